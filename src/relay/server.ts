/**
 * The relay under Node: a `node:http` server that turns each request into a standard `Request`,
 * hands it to the relay's handler and writes the `Response` back. `sentry-triage relay --port N`.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { MAX_BODY_BYTES, type ExecutionContextLike, type RelayHandler } from './handler.js'

export interface RelayServer {
  /** e.g. http://127.0.0.1:8080 */
  url: string
  /** Stops listening, then waits for the dispatches still under way after their answer. */
  close(): Promise<void>
}

/**
 * The body, or null as soon as it is larger than MAX_BODY_BYTES (by Content-Length, or once that
 * many bytes have arrived): the rest is never read.
 */
function readBody(req: http.IncomingMessage): Promise<Buffer | null> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return Promise.resolve(null)
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk)
      req.off('data', onData)
      req.pause()
      resolve(null)
    }
    req.on('data', onData)
    req.once('end', () => resolve(Buffer.concat(chunks)))
    req.once('error', reject)
  })
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
  // Workers' waitUntil, the Node way: what the handler leaves running is awaited by close().
  const pending = new Set<Promise<unknown>>()
  const ctx: ExecutionContextLike = {
    waitUntil: promise => {
      const tracked = promise.catch(() => {}).finally(() => pending.delete(tracked))
      pending.add(tracked)
    }
  }
  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        const body = await readBody(req)
        if (body === null) {
          // Closing the connection is what stops a client still sending; the rest stays unread.
          res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' })
          res.end(
            `Request body too large: the relay reads at most ${MAX_BODY_BYTES / 1024 / 1024} MiB.\n`
          )
          return
        }
        const response = await handler(toRequest(req, body), undefined, ctx)
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
    close: async () => {
      await new Promise<void>(resolve => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await Promise.all(pending)
    }
  }
}
