/**
 * Fixability: how surely a small code change fixes an issue (SPEC Part 3, "What Sentry already
 * knows"). Seer's own score wins when Sentry has one, with Sentry's own thresholds; otherwise the
 * classifier's judgement stands.
 */
import { FIXABILITIES, type Classification, type Fixability } from './taxonomy.js'

/**
 * Sentry's `FixabilityScoreThresholds` (API-NOTES G1): high ≥ 0.66, medium ≥ 0.40. Its
 * super_high (≥ 0.76) is high here, and its low (≥ 0.25) and below are low.
 */
export const SEER_HIGH = 0.66
export const SEER_MEDIUM = 0.4

/** Seer's score (0..1) as high, medium or low; null for a score that is not a number in 0..1. */
export function fixabilityFromScore(score: number | null | undefined): Fixability | null {
  if (typeof score !== 'number' || !Number.isFinite(score) || score < 0 || score > 1) return null
  if (score >= SEER_HIGH) return 'high'
  if (score >= SEER_MEDIUM) return 'medium'
  return 'low'
}

const SYNONYMS: Record<string, Fixability> = {
  high: 'high',
  easy: 'high',
  medium: 'medium',
  moderate: 'medium',
  low: 'low',
  hard: 'low'
}

/** A free-form fixability from an answer (any case, a few synonyms) or null: unknown is absent. */
export function toFixability(value: unknown): Fixability | null {
  if (typeof value !== 'string') return null
  const key = value
    .trim()
    .toLowerCase()
    .replace(/^["'`*_\s]+|["'`*_.\s]+$/g, '')
  return Object.hasOwn(SYNONYMS, key) ? (SYNONYMS[key] ?? null) : null
}

/** The classification with Seer's fixability when Sentry scored the issue; else as it came. */
export function withSeerFixability(
  c: Classification,
  score: number | null | undefined
): Classification {
  const seer = fixabilityFromScore(score)
  if (!seer) return c
  return {
    ...c,
    fixability: seer,
    fixabilityReason: `Seer's fixability score ${(score as number).toFixed(2)}`,
    fixabilitySource: 'seer'
  }
}

/** Whether `value` is at least `threshold` (high > medium > low). */
export function atLeast(value: Fixability, threshold: Fixability): boolean {
  return FIXABILITIES.indexOf(value) <= FIXABILITIES.indexOf(threshold)
}
