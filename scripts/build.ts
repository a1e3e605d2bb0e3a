/**
 * `npm run build`: dist/index.js (the action) and dist/cli.js (the `sentry-triage` command), each
 * one minified ncc bundle with its source map. ncc always names its output index.js, so the CLI is
 * built in a scratch directory beside dist/ (same depth, so the maps' `../src/…` paths still hold)
 * and moved in.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = join(import.meta.dirname, '..')
const DIST = join(ROOT, 'dist')
const SCRATCH = join(ROOT, '.ncc-cli')
const NCC = join(ROOT, 'node_modules', '.bin', 'ncc')

function ncc(entry: string, out: string, extra: string[] = []): void {
  execFileSync(NCC, ['build', entry, '-o', out, '--minify', '--source-map', '--quiet', ...extra], {
    cwd: ROOT,
    stdio: 'inherit'
  })
}

rmSync(DIST, { recursive: true, force: true })
rmSync(SCRATCH, { recursive: true, force: true })
ncc('src/index.ts', 'dist', ['--license', 'licenses.txt'])
ncc('src/cli.ts', '.ncc-cli')

const expected = ['index.js', 'index.js.map', 'package.json', 'sourcemap-register.cjs']
const extra = readdirSync(SCRATCH).filter(file => !expected.includes(file))
if (extra.length > 0)
  throw new Error(`ncc emitted unexpected files for the CLI: ${extra.join(', ')}`)
for (const shared of ['package.json', 'sourcemap-register.cjs']) {
  if (readFileSync(join(SCRATCH, shared), 'utf8') !== readFileSync(join(DIST, shared), 'utf8'))
    throw new Error(`dist/${shared} differs between the action and the CLI builds`)
}

// The shebang is added here rather than written in src/cli.ts: ncc maps a source that starts with
// one a line off. One empty line at the start of the map makes room for it.
const code = readFileSync(join(SCRATCH, 'index.js'), 'utf8')
if (code.startsWith('#!')) throw new Error('src/cli.ts must not carry its own shebang')
writeFileSync(
  join(DIST, 'cli.js'),
  `#!/usr/bin/env node\n${code.replace(/\/\/# sourceMappingURL=index\.js\.map\s*$/, '//# sourceMappingURL=cli.js.map\n')}`
)
chmodSync(join(DIST, 'cli.js'), 0o755)
const map = JSON.parse(readFileSync(join(SCRATCH, 'index.js.map'), 'utf8')) as {
  file?: string
  mappings: string
}
map.file = 'cli.js'
map.mappings = `;${map.mappings}`
writeFileSync(join(DIST, 'cli.js.map'), JSON.stringify(map))
rmSync(SCRATCH, { recursive: true, force: true })
