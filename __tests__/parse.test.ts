import { describe, it, expect } from '@jest/globals'
import { parseAnswer, type ParsedAnswer, type ParseResult } from '../src/classify/parse.js'

const EXPECTED: ParsedAnswer = {
  category: 'Database',
  severity: 'High',
  rootCause: 'Two transactions lock the orders table in opposite order.',
  suggestedAction: 'Lock rows in a fixed order and retry on deadlock.'
}

const JSON_ANSWER = JSON.stringify({
  category: 'Database',
  severity: 'High',
  rootCause: EXPECTED.rootCause,
  suggestedAction: EXPECTED.suggestedAction
})

function parsed(content: string | null | undefined): ParsedAnswer {
  const result = parseAnswer(content)
  if (!result.ok) throw new Error(`expected a parse, got failure: ${result.reason}`)
  return result.value
}

function failure(content: string | null | undefined): string {
  const result: ParseResult = parseAnswer(content)
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`)
  return result.reason
}

describe('parseAnswer: JSON', () => {
  it('reads strict JSON', () => {
    expect(parsed(JSON_ANSWER)).toEqual(EXPECTED)
  })

  it('reads JSON in a ```json fence', () => {
    expect(parsed(`\`\`\`json\n${JSON_ANSWER}\n\`\`\``)).toEqual(EXPECTED)
  })

  it('reads JSON in a bare ``` fence, with prose before and after', () => {
    expect(
      parsed(`Here is my analysis:\n\`\`\`\n${JSON_ANSWER}\n\`\`\`\nHope this helps!`)
    ).toEqual(EXPECTED)
  })

  it('reads JSON surrounded by prose without a fence', () => {
    expect(
      parsed(`Sure! The classification is ${JSON_ANSWER} — let me know if you need more.`)
    ).toEqual(EXPECTED)
  })

  it('skips a brace in the prose before the JSON object', () => {
    expect(parsed(`The handler {orders} crashed. ${JSON_ANSWER}`)).toEqual(EXPECTED)
  })

  it('reads pretty-printed JSON with snake_case keys', () => {
    const answer = `{\n  "category": "Database",\n  "severity": "High",\n  "root_cause": "${EXPECTED.rootCause}",\n  "suggested_action": "${EXPECTED.suggestedAction}"\n}`
    expect(parsed(answer)).toEqual(EXPECTED)
  })

  it('reads keys spelled with spaces and capitals', () => {
    const answer = JSON.stringify({
      Category: 'Database',
      Severity: 'High',
      'Root Cause': EXPECTED.rootCause,
      'Suggested Action': EXPECTED.suggestedAction
    })
    expect(parsed(answer)).toEqual(EXPECTED)
  })

  it('reads the key aliases cause/priority/action', () => {
    const answer = JSON.stringify({
      category: 'db',
      priority: 'p1',
      cause: EXPECTED.rootCause,
      action: EXPECTED.suggestedAction
    })
    expect(parsed(answer)).toEqual(EXPECTED)
  })

  it('joins an array of steps into the suggested action', () => {
    const answer = JSON.stringify({
      category: 'Database',
      severity: 'High',
      rootCause: 'Lock order.',
      suggestedAction: ['Lock rows in order.', 'Retry.']
    })
    expect(parsed(answer).suggestedAction).toBe('Lock rows in order. Retry.')
  })

  it('finds the JSON object when braces and quotes appear inside its strings', () => {
    const answer = `Result: {"category": "Logic", "severity": "Low", "rootCause": "The template {{user}} has a stray } and a \\"quoted {\\" brace.", "suggestedAction": "Escape { and } in templates."} end`
    const value = parsed(answer)
    expect(value.category).toBe('Logic')
    expect(value.rootCause).toBe('The template {{user}} has a stray } and a "quoted {" brace.')
    expect(value.suggestedAction).toBe('Escape { and } in templates.')
  })

  it('reads the object inside a top-level array', () => {
    expect(parsed(`[${JSON_ANSWER}]`)).toEqual(EXPECTED)
  })

  it('prefers the exact key over a looser alias that comes first', () => {
    const answer = JSON.stringify({
      type: 'exception',
      impact: 'Checkout is down for some users',
      category: 'Database',
      severity: 'High',
      rootCause: EXPECTED.rootCause,
      suggestedAction: EXPECTED.suggestedAction
    })
    expect(parsed(answer)).toEqual(EXPECTED)
  })
})

describe('parseAnswer: Key: value text', () => {
  it('reads plain Key: value lines', () => {
    const answer = `Category: Database\nSeverity: High\nRoot cause: ${EXPECTED.rootCause}\nSuggested action: ${EXPECTED.suggestedAction}`
    expect(parsed(answer)).toEqual(EXPECTED)
  })

  it('reads **bold** keys and bullets', () => {
    const answer = [
      'Here is the triage:',
      '- **Category:** Database',
      '- **Severity**: High',
      `- **Root cause:** ${EXPECTED.rootCause}`,
      `- **Suggested action:** ${EXPECTED.suggestedAction}`
    ].join('\n')
    expect(parsed(answer)).toEqual(EXPECTED)
  })

  it('joins a multi-line suggested action', () => {
    const answer = [
      'Category: Database',
      'Severity: High',
      'Root_cause: Lock contention on orders.',
      'Suggested action:',
      '1. Lock rows in a fixed order.',
      '2. Retry on deadlock.',
      '',
      '   3. Add an alert.'
    ].join('\n')
    const value = parsed(answer)
    expect(value.rootCause).toBe('Lock contention on orders.')
    expect(value.suggestedAction).toBe(
      '1. Lock rows in a fixed order. 2. Retry on deadlock. 3. Add an alert.'
    )
  })

  it('does not append lines after Severity to the severity', () => {
    const answer =
      'Category: Network\nSeverity: Low\nThis is just noise.\nRoot cause: DNS flaked.\nFix: Retry.'
    expect(parsed(answer)).toEqual({
      category: 'Network',
      severity: 'Low',
      rootCause: 'DNS flaked.',
      suggestedAction: 'Retry.'
    })
  })
})

describe('parseAnswer: synonyms', () => {
  it.each([
    ['db', 'Database'],
    ['DB', 'Database'],
    ['auth', 'Authentication'],
    ['AuthZ', 'Authentication'],
    ['third-party', 'External Service'],
    ['External Service', 'External Service'],
    ['INFRA', 'Infrastructure']
  ])('maps category %s to %s', (given, expected) => {
    const answer = JSON.stringify({
      category: given,
      severity: 'Low',
      rootCause: 'x',
      suggestedAction: 'y'
    })
    expect(parsed(answer).category).toBe(expected)
  })

  it.each([
    ['p0', 'Critical'],
    ['P1', 'High'],
    ['fatal', 'Critical'],
    ['FATAL', 'Critical'],
    ['minor', 'Low'],
    ['Medium', 'Medium'],
    ['p2', 'Medium']
  ])('maps severity %s to %s', (given, expected) => {
    const answer = JSON.stringify({
      category: 'Logic',
      severity: given,
      rootCause: 'x',
      suggestedAction: 'y'
    })
    expect(parsed(answer).severity).toBe(expected)
  })

  it('maps synonyms in Key: value text too', () => {
    const value = parsed(
      'Category: authz\nSeverity: P0\nRoot cause: Role check fails.\nSuggested action: Fix the role map.'
    )
    expect(value.category).toBe('Authentication')
    expect(value.severity).toBe('Critical')
  })
})

describe('parseAnswer: reasoning preambles', () => {
  it('ignores a <think> block, even one holding a different JSON object', () => {
    const answer = `<think>Maybe {"category": "Network", "severity": "Low"}? No, it is the database.</think>\n${JSON_ANSWER}`
    expect(parsed(answer)).toEqual(EXPECTED)
  })

  it('ignores a multi-line <THINK> block before Key: value lines', () => {
    const answer = `<THINK>\nCategory: Logic\nSeverity: Low\n</THINK>\nCategory: Database\nSeverity: High\nRoot cause: ${EXPECTED.rootCause}\nAction: ${EXPECTED.suggestedAction}`
    expect(parsed(answer)).toEqual(EXPECTED)
  })
})

describe('parseAnswer: failures', () => {
  it.each([null, undefined, '', '   \n '])('fails on empty content %p', content => {
    expect(failure(content)).toBe('empty answer')
  })

  it('fails on prose without any structure', () => {
    expect(failure('I think this is probably a database problem, but I am not sure.')).toMatch(
      /no JSON object or Key: value lines/
    )
  })

  it('rejects a category outside the enum, naming it', () => {
    const reason = failure(
      JSON.stringify({
        category: 'Cosmic Rays',
        severity: 'High',
        rootCause: 'x',
        suggestedAction: 'y'
      })
    )
    expect(reason).toContain('category')
    expect(reason).toContain('Cosmic Rays')
    expect(reason).toContain('not one of the allowed values')
  })

  it('rejects a severity outside the enum, naming it', () => {
    const reason = failure(
      JSON.stringify({
        category: 'Database',
        severity: 'Apocalyptic',
        rootCause: 'x',
        suggestedAction: 'y'
      })
    )
    expect(reason).toContain('severity')
    expect(reason).toContain('Apocalyptic')
  })

  it('rejects a missing category', () => {
    expect(
      failure(JSON.stringify({ severity: 'High', rootCause: 'x', suggestedAction: 'y' }))
    ).toMatch(/^category null is not one of/)
  })

  it('rejects a category that names an Object.prototype key', () => {
    const answer = JSON.stringify({
      category: 'constructor',
      severity: 'toString',
      rootCause: 'x',
      suggestedAction: 'y'
    })
    expect(failure(answer)).toMatch(/^category "constructor" is not one of/)
  })

  it('rejects a non-string category', () => {
    expect(
      failure(
        JSON.stringify({ category: 3, severity: 'High', rootCause: 'x', suggestedAction: 'y' })
      )
    ).toMatch(/^category 3 is not one of/)
  })

  it('rejects an out-of-enum category in Key: value text', () => {
    expect(failure('Category: Cosmic Rays\nSeverity: High\nRoot cause: x\nAction: y')).toContain(
      'Cosmic Rays'
    )
  })

  it('rejects an answer without a root cause or suggested action', () => {
    expect(
      failure(JSON.stringify({ category: 'Database', severity: 'High', rootCause: 'x' }))
    ).toBe('root cause or suggested action missing')
    expect(
      failure(
        JSON.stringify({
          category: 'Database',
          severity: 'High',
          rootCause: '  ',
          suggestedAction: 'y'
        })
      )
    ).toBe('root cause or suggested action missing')
  })

  it('keeps a failure reason short even for a huge bogus category', () => {
    const reason = failure(
      JSON.stringify({
        category: 'x'.repeat(10_000),
        severity: 'High',
        rootCause: 'x',
        suggestedAction: 'y'
      })
    )
    expect(reason.length).toBeLessThan(120)
  })
})

describe('parseAnswer: text hygiene', () => {
  it('caps overlong root cause and action at 1000 characters with an ellipsis', () => {
    const answer = JSON.stringify({
      category: 'Logic',
      severity: 'Low',
      rootCause: 'a'.repeat(5000),
      suggestedAction: 'b '.repeat(5000)
    })
    const value = parsed(answer)
    expect(value.rootCause).toHaveLength(1000)
    expect(value.rootCause.endsWith('…')).toBe(true)
    expect(value.suggestedAction.length).toBeLessThanOrEqual(1000)
    expect(value.suggestedAction.endsWith('…')).toBe(true)
  })

  it('collapses whitespace and newlines in the prose', () => {
    const answer = JSON.stringify({
      category: 'Logic',
      severity: 'Low',
      rootCause: '  Line one.\n\n  Line two.  ',
      suggestedAction: 'Do\tthis.'
    })
    const value = parsed(answer)
    expect(value.rootCause).toBe('Line one. Line two.')
    expect(value.suggestedAction).toBe('Do this.')
  })

  it('keeps text under the cap untouched', () => {
    const text = 'c'.repeat(1000)
    expect(
      parsed(
        JSON.stringify({
          category: 'Logic',
          severity: 'Low',
          rootCause: text,
          suggestedAction: 'y'
        })
      ).rootCause
    ).toBe(text)
  })

  // No stopwatch (these machines are shared and noisy): 200,000 braces finish in well under a
  // second when the scan is linear, and a quadratic scan (4·10¹⁰ steps) cannot beat the timeout.
  it('reads a pathological run of braces in linear time', () => {
    const reason = failure(`${'{'.repeat(200_000)} nothing here`)
    expect(reason).toMatch(/no JSON object/)
  }, 20_000)
})
