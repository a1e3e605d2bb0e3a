/**
 * `npm run eval`: the heuristic, or with `--llm` the real prompt and parse ladder, over the
 * labelled set, through the same Classifier entry the action uses.
 *
 *   npm run eval                                  the heuristic
 *   npm run eval -- --misses tune                 ... and the tune items it gets wrong
 *   npm run eval -- --llm --model gpt-4.1         the LLM (needs HOLYSHEEP_API_KEY)
 *       [--base-url URL] [--concurrency 4]        base URL default: HOLYSHEEP_BASE_URL, else the action's default
 */
import { parseArgs } from 'node:util'
import { DEFAULTS } from '../src/config/config.js'
import { Budget } from '../src/http/retry.js'
import { CostLedger } from '../src/classify/cost.js'
import { createRedactor } from '../src/render/redact.js'
import { LlmClient } from '../src/classify/llm.js'
import { heuristicClassifier, llmClassifier, type Classifier } from '../src/classify/classifier.js'
import { impactTier } from '../src/classify/routing.js'
import { withSeerFixability } from '../src/classify/fixability.js'
import { loadDataset, SPLITS, type EvalItem, type Split } from './dataset.js'
import { buildReport, formatMisses, formatReport, type Prediction, type Report } from './report.js'

export interface EvalRun {
  exitCode: number
  report: Report | null
  predictions: Prediction[]
}

/** Classifies every item, `concurrency` at a time; the result keeps the items' order. */
export async function classifyAll(
  classifier: Classifier,
  items: EvalItem[],
  model: string,
  concurrency = 1
): Promise<Prediction[]> {
  const out: Prediction[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      const item = items[index] as EvalItem
      const route = { ...impactTier(item.issue), model }
      // As a run does: Seer's score, where the item's issue carries one, is its fixability.
      const c = withSeerFixability(
        await classifier.classify(item.issue, item.event, route),
        item.issue.signals?.seerFixabilityScore
      )
      out[index] = {
        item,
        category: c.category,
        severity: c.severity,
        ...(c.fixability ? { fixability: c.fixability } : {}),
        classifier: c.classifier,
        ...(c.fallbackReason !== undefined ? { fallbackReason: c.fallbackReason } : {})
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker))
  return out
}

const USAGE =
  'usage: npm run eval -- [--llm --model <model> [--base-url <url>] [--concurrency <n>]] [--misses tune|holdout] [--dataset <file>]'

export async function runEvalCli(
  argv: string[],
  env: Record<string, string | undefined>,
  write: (text: string) => void
): Promise<EvalRun> {
  const failed = (message: string): EvalRun => {
    write(`${message}\n${USAGE}\n`)
    return { exitCode: 2, report: null, predictions: [] }
  }
  let values
  try {
    values = parseArgs({
      args: argv,
      options: {
        llm: { type: 'boolean', default: false },
        model: { type: 'string' },
        'base-url': { type: 'string' },
        concurrency: { type: 'string', default: '4' },
        misses: { type: 'string' },
        dataset: { type: 'string' }
      },
      strict: true
    }).values
  } catch (error) {
    return failed((error as Error).message)
  }
  const misses = values.misses
  if (misses !== undefined && !SPLITS.includes(misses as Split)) {
    return failed(`--misses must be tune or holdout, got '${misses}'`)
  }
  const concurrency = Number(values.concurrency)
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) {
    return failed(`--concurrency must be a whole number from 1 to 32, got '${values.concurrency}'`)
  }
  const items = loadDataset(values.dataset)

  let classifier: Classifier
  let model = 'heuristic'
  let ledger: CostLedger | null = null
  if (values.llm) {
    const apiKey = env.HOLYSHEEP_API_KEY ?? ''
    if (apiKey === '') return failed('--llm needs the HOLYSHEEP_API_KEY environment variable')
    model = values.model ?? DEFAULTS.model
    const baseUrl = values['base-url'] ?? env.HOLYSHEEP_BASE_URL ?? DEFAULTS['holysheep-base-url']
    ledger = new CostLedger({})
    const client = new LlmClient({
      baseUrl,
      apiKey,
      timeoutMs: 60_000,
      budget: new Budget(60 * 60_000)
    })
    classifier = llmClassifier({
      client,
      ledger,
      redact: createRedactor(true, [apiKey]),
      warn: message => write(`warning: ${message}\n`)
    })
  } else if (values.model !== undefined || values['base-url'] !== undefined) {
    return failed('--model and --base-url only apply with --llm')
  } else {
    classifier = heuristicClassifier()
  }

  const predictions = await classifyAll(classifier, items, model, values.llm ? concurrency : 1)
  const tune = items.filter(i => i.split === 'tune').length
  const title = `sentry-triage eval: ${values.llm ? `LLM ${model}` : 'heuristic'} on ${items.length} items (${tune} tune, ${items.length - tune} holdout)`
  const report = buildReport(title, predictions)
  write(`${formatReport(report)}\n`)
  if (ledger) {
    const tokens = ledger.tokens
    write(
      `\n${ledger.requests} LLM requests, ${tokens} tokens (${Math.round(tokens / Math.max(1, ledger.requests))} per request)\n`
    )
  }
  if (misses !== undefined) write(`\n${formatMisses(predictions, misses as Split)}\n`)
  if (values.llm && report.fallbacks === items.length) {
    write('\nNo item was classified by the LLM: these are the heuristic’s figures.\n')
    return { exitCode: 1, report, predictions }
  }
  return { exitCode: 0, report, predictions }
}
