/**
 * Tokens per classification with and without few-shot examples (issue #10, prompt economy): the
 * action's own clients and classifier against the fake Sentry and LLM, each issue classified twice,
 * once with no examples and once with the 5 most similar corrections of the other issues (titles
 * kept at their full length, up to the prompt's caps). Tokens are the fake LLM's `usage`: prompt
 * characters / 4 + 4 per message, and the answer's characters / 4.
 */
import { readConfig } from '../src/config/config.js'
import { createClients } from '../src/main.js'
import { routeIssue } from '../src/classify/routing.js'
import { issueSignature } from '../src/classify/signature.js'
import { findCorrections, similarCorrections } from '../src/classify/corrections.js'
import { SEVERITIES, type Category, type Severity } from '../src/classify/taxonomy.js'
import { startWorld } from '../__tests__/fakes/world.js'
import { makeIssues } from '../__tests__/fakes/seed.js'

export interface FewShotFigures {
  issues: number
  examplesPerPrompt: number
  without: { prompt: number; completion: number; total: number; maxTotal: number }
  with: { prompt: number; completion: number; total: number; maxTotal: number }
}

export async function fewShotTokens(n = 50): Promise<FewShotFigures> {
  const now = new Date()
  const world = await startWorld({ now, seed: makeIssues(n, now) })
  try {
    const inputs: Record<string, string> = { ...world.inputs, 'dry-run': 'true' }
    const config = readConfig(name => inputs[name] ?? '', { ...world.env })
    const { sentry, classifier } = await createClients(config)
    const { issues } = await sentry.listNewIssues({
      query: config.sentryQuery,
      since: config.since.text,
      projectIds: [],
      environment: null
    })
    const events = await Promise.all(issues.map(i => sentry.getLatestEvent(i.id, null)))
    // Every other issue as if a person had moved its severity one step from what was applied.
    const corrections = findCorrections(
      issues.map((issue, index) => {
        const applied: { category: Category; severity: Severity } = {
          category: 'Unknown',
          severity: 'Medium'
        }
        const corrected = SEVERITIES[index % SEVERITIES.length] as Severity
        return {
          number: index + 1,
          title: `[${issue.shortId}] ${issue.title}`,
          labels: ['category:logic', `severity:${corrected.toLowerCase()}`],
          signature: issueSignature(issue),
          applied,
          culprit: issue.culprit
        }
      })
    )
    const measure = async (withExamples: boolean) => {
      const totals: number[] = []
      let prompt = 0
      let completion = 0
      let examples = 0
      for (const [index, issue] of issues.entries()) {
        const event = events[index] ?? null
        const own = index + 1
        const chosen = withExamples
          ? similarCorrections(
              issue,
              event,
              corrections.filter(c => c.number !== own)
            )
          : []
        const before = { ...world.llm.stats }
        await classifier.classify(issue, event, routeIssue(issue, config.models, config.routing), {
          examples: chosen
        })
        const user = String(world.llm.bodies.at(-1)?.messages[1]?.content ?? '')
        const data = JSON.parse(user.slice(user.indexOf('{'))) as { pastDecisions?: string[] }
        examples += data.pastDecisions?.length ?? 0
        const p = world.llm.stats.promptTokens - before.promptTokens
        const c = world.llm.stats.completionTokens - before.completionTokens
        prompt += p
        completion += c
        totals.push(p + c)
      }
      const k = Math.max(1, issues.length)
      return {
        examples: examples / k,
        prompt: Math.round(prompt / k),
        completion: Math.round(completion / k),
        total: Math.round((prompt + completion) / k),
        maxTotal: Math.max(0, ...totals)
      }
    }
    const without = await measure(false)
    const withExamples = await measure(true)
    return {
      issues: issues.length,
      examplesPerPrompt: withExamples.examples,
      without: without,
      with: withExamples
    }
  } finally {
    await world.close()
  }
}

/** The lines `npm run bench` prints for this figure. */
export function fewShotLines(f: FewShotFigures): string[] {
  return [
    `tokens per classification (fake LLM usage, ${f.issues} issues of makeIssues, one LLM request each):`,
    `  without examples: ${f.without.total} (prompt ${f.without.prompt} + answer ${f.without.completion}; max ${f.without.maxTotal})`,
    `  with few-shot examples (5 offered, ${f.examplesPerPrompt.toFixed(1)} in the prompt on average): ${f.with.total} (prompt ${f.with.prompt} + answer ${f.with.completion}; max ${f.with.maxTotal})`
  ]
}
