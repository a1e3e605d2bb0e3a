/** `npm run eval`: see eval/cli.ts and the README section "Classification quality". */
import { runEvalCli } from '../eval/cli.js'

const run = await runEvalCli(process.argv.slice(2), process.env, text => process.stdout.write(text))
process.exitCode = run.exitCode
