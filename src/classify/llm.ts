import { z } from 'zod'
import { HttpClient } from '../http/client.js'
import type { Budget, Clock } from '../http/retry.js'
import type { ChatMessage } from './prompt.js'

/** Room for two sentences of cause and three of action, in JSON, with margin. */
export const MAX_COMPLETION_TOKENS = 400

const completionSchema = z.looseObject({
  model: z.string().nullish(),
  choices: z
    .array(
      z.looseObject({
        message: z
          .looseObject({ content: z.string().nullish(), refusal: z.string().nullish() })
          .nullish(),
        finish_reason: z.string().nullish()
      })
    )
    .min(1, { error: 'choices is empty' }),
  usage: z
    .looseObject({
      prompt_tokens: z.number().nonnegative().catch(0),
      completion_tokens: z.number().nonnegative().catch(0)
    })
    .nullish()
})

export interface Completion {
  content: string | null
  finishReason: string | null
  refusal: string | null
  promptTokens: number
  completionTokens: number
}

export interface LlmClientOptions {
  baseUrl: string
  apiKey: string
  timeoutMs: number
  budget: Budget
  /** Where retry waits happen; the real clock unless a test gives one. */
  clock?: Clock | undefined
}

function errorCode(body: unknown): string | null {
  const error = (body as { error?: { code?: unknown; type?: unknown } } | null)?.error
  const code = error?.code ?? error?.type
  return typeof code === 'string' ? code : null
}

/** Chat completions on an OpenAI-compatible gateway (HolySheep by default). */
export class LlmClient {
  private readonly http: HttpClient

  constructor(options: LlmClientOptions) {
    this.http = new HttpClient({
      service: 'LLM',
      baseUrl: options.baseUrl,
      headers: { authorization: `Bearer ${options.apiKey}` },
      timeoutMs: options.timeoutMs,
      budget: options.budget,
      clock: options.clock,
      // A 429 for an exhausted quota will not heal within a run; a rate limit will.
      isRetryable: (status, body) => !(status === 429 && errorCode(body) === 'insufficient_quota'),
      describeError: (status, body) => {
        const code = errorCode(body)
        if (status === 401) return 'LLM gateway answered 401: holysheep-api-key was rejected'
        if (status === 403)
          return 'LLM gateway answered 403: the key may not use this model or region'
        if (status === 404)
          return 'LLM gateway answered 404: unknown model or wrong holysheep-base-url'
        if (status === 429 && code === 'insufficient_quota')
          return 'LLM gateway answered 429 insufficient_quota: the account is out of credit'
        return undefined
      }
    })
  }

  /**
   * One completion in JSON mode. Throws HttpError when the gateway fails after retries, or at once
   * when `signal` aborts (the circuit breaker opened while this request was in flight or waiting).
   */
  async complete(
    model: string,
    messages: ChatMessage[],
    signal?: AbortSignal
  ): Promise<Completion> {
    const response = await this.http.request({
      method: 'POST',
      url: '/chat/completions',
      schema: completionSchema,
      ...(signal ? { signal } : {}),
      body: {
        model,
        messages,
        temperature: 0,
        max_tokens: MAX_COMPLETION_TOKENS,
        // json_object, not json_schema: the lowest common denominator of the models behind a relay.
        response_format: { type: 'json_object' }
      }
    })
    const choice = response.data.choices[0]
    return {
      content: choice?.message?.content ?? null,
      finishReason: choice?.finish_reason ?? null,
      refusal: choice?.message?.refusal ?? null,
      promptTokens: response.data.usage?.prompt_tokens ?? 0,
      completionTokens: response.data.usage?.completion_tokens ?? 0
    }
  }
}
