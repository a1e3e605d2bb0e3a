/** Runs a built bundle (dist/index.js, dist/cli.js) in a child process, as a runner or a person would. */
import { spawn } from 'node:child_process'
import { join } from 'node:path'

export const NODE = process.env.E2E_NODE || process.execPath
export const DIST = join(process.cwd(), 'dist')

export interface Finished {
  code: number | null
  stdout: string
  stderr: string
}

/** `node <script> ...args` with exactly `env` (plus PATH); resolves when it exits. */
export async function runNode(
  script: string,
  args: string[],
  env: Record<string, string>
): Promise<Finished> {
  const child = spawn(NODE, [script, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', chunk => (stdout += chunk))
  child.stderr.on('data', chunk => (stderr += chunk))
  const code = await new Promise<number | null>(resolve => child.on('close', resolve))
  return { code, stdout, stderr }
}
