/**
 * The relay under Node: a `node:http` server that turns each request into a standard `Request`,
 * hands it to the relay's handler and writes the `Response` back. `sentry-triage relay --port N`.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { MAX_BODY_BYTES, type RelayHandler } from './handler.js'

export interface RelayServer {
  /** e.g. http://127.0.0.1:8080 */
  url: string
  close(): Promise<void>
}

async function readBody(req: http.IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) return null
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

function toRequest(req: http.IncomingMessage, body: Buffer): Request {
  const headers = new Headers()
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    headers.append(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string)
  }
  const method = req.method ?? 'GET'
  const hasBody = method !== 'GET' && method !== 'HEAD'
  // The handler never looks at the host: a fixed origin keeps a forged Host header out of the URL.
  return new Request(new URL(req.url ?? '/', 'http://relay.invalid'), {
    method,
    headers,
    body: hasBody ? new Uint8Array(body) : undefined
  })
}

/** Serves `handler` on host:port (port 0 picks a free one). */
export async function serveRelay(
  handler: RelayHandler,
  { port, host = '0.0.0.0' }: { port: number; host?: string }
): Promise<RelayServer> {
  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        const body = await readBody(req)
        if (body === null) {
          res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' })
          res.end('Request body too large.\n')
          return
        }
        const response = await handler(toRequest(req, body))
        const headers: Record<string, string> = {}
        response.headers.forEach((value, name) => (headers[name] = value))
        res.writeHead(response.status, headers)
        res.end(Buffer.from(await response.arrayBuffer()))
      } catch {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
        res.end('The relay failed on this request.\n')
      }
    })()
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  const address = server.address() as AddressInfo
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${shown}:${address.port}`,
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}
