/**
 * What the probe records of one call: SaaSus's raw status, `type` and message
 * (redacted), the classifier's verdict beside the expected one, and, for the
 * emulator, the answer as a dialect entry with its strings redacted.
 */
import type { Answer as DialectAnswer } from '../../emulator/src/dialects.ts'
import {
  classifyResponse,
  type FailedCall,
  failureInSuccess,
  type SaasusFailureKind,
} from '../../src/core/saasus/failure.ts'
import { redactForLog } from '../../src/core/saasus/redact.ts'
import { REFUSALS, type Refusal, type RefusalWords } from '../../src/core/saasus/refusals.ts'
import { type Answer, answered, type Outcome } from './call.ts'

/** The cases the probe provokes: the first step, then the dialect's cases of the same names. */
export type ProbeCase =
  | 'userinfo'
  | 'wrong_code'
  | 'not_registered'
  | 'access_token'
  | 'login_code'
  | 'refresh_token'
  | 'signature'

/** What the classifier made of a failed call. */
export interface Verdict {
  kind: SaasusFailureKind
  refusal?: Refusal
  rule?: string
  likelyCause?: string
}

/** A call that should succeed, or the refusal it should be classified as. */
export type Expected = 'success' | { kind: SaasusFailureKind; refusal: Refusal }

/** One row of the report: a call that decides a case, or a case that was not provoked. */
export interface ProbeResult {
  case: ProbeCase
  /** The operationId of the call, e.g. `UpdateSoftwareToken`. */
  operation: string
  method: string
  /** False when the case was skipped or could not be provoked: see `note`. */
  provoked: boolean
  status?: number | 'timeout' | 'connection'
  type?: string
  /** SaaSus's message, redacted (never a token, code or id). */
  message?: string
  bodyKeys?: string[]
  verdict?: Verdict | 'success'
  expected: Expected
  /** Provoked, and the verdict is the expected one. */
  ok: boolean
  /** SaaSus's trace id of the answer, to quote to SaaSus support. */
  traceId?: string
  note?: string
}

/** The verdict a refusal should get: its kind, and the refusal itself. */
export const refusedAs = (refusal: Refusal): Expected => ({ kind: REFUSALS[refusal], refusal })

/** True if a verdict is the expected one: the same kind and refusal, or both a success. */
export function matches(verdict: ProbeResult['verdict'], expected: Expected): boolean {
  if (verdict === undefined) return false
  if (verdict === 'success' || expected === 'success') return verdict === expected
  return verdict.kind === expected.kind && verdict.refusal === expected.refusal
}

/**
 * Judges one outcome as the API's client would: `classifyResponse` for a non-2xx
 * (with the operator's SAASUS_REFUSAL_WORDS), `failureInSuccess` for a 2xx of the
 * software-token call, a success otherwise.
 */
export function judge(
  probeCase: ProbeCase,
  call: FailedCall,
  method: string,
  outcome: Outcome,
  expected: Expected,
  words: RefusalWords,
): ProbeResult {
  const base = { case: probeCase, operation: call.operation, method, provoked: true }
  if (!answered(outcome)) {
    const verdict: Verdict =
      outcome.status === 'timeout' ? { kind: 'timeout', rule: 'timeout' } : { kind: 'unavailable', rule: 'no_answer' }
    return { ...base, status: outcome.status, verdict, expected, ok: false, note: redactForLog(outcome.reason) }
  }
  const verdict = verdictOf(call, outcome, words)
  const body = isObject(outcome.json) ? outcome.json : undefined
  return {
    ...base,
    status: outcome.status,
    ...(typeof body?.type === 'string' ? { type: redactForLog(body.type) } : {}),
    ...(typeof body?.message === 'string' ? { message: redactForLog(body.message) } : {}),
    bodyKeys: body ? Object.keys(body) : [],
    verdict,
    expected,
    ok: matches(verdict, expected),
    ...(outcome.traceId ? { traceId: outcome.traceId } : {}),
    ...(outcome.text.trim() !== '' && !body ? { note: 'the body is not a JSON object' } : {}),
  }
}

function verdictOf(call: FailedCall, answer: Answer, words: RefusalWords): Verdict | 'success' {
  const ok = answer.status >= 200 && answer.status < 300
  const error = ok
    ? failureInSuccess(call, answer.status, answer.json, answer.traceId)
    : classifyResponse(call, answer.status, answer.text, words, answer.traceId)
  if (!error) return 'success'
  const { refusal, rule, likelyCause } = error.detail
  return {
    kind: error.kind,
    ...(refusal ? { refusal } : {}),
    ...(rule ? { rule } : {}),
    ...(likelyCause ? { likelyCause } : {}),
  }
}

/**
 * An answer as a dialect entry (emulator/src/dialects.ts): its status and its
 * JSON body with every string redacted; a body that is not a JSON object becomes `{}`.
 */
export function dialectEntry(answer: Answer): DialectAnswer {
  return { status: answer.status, body: isObject(answer.json) ? redactStrings(answer.json) : {} }
}

function redactStrings(value: Record<string, unknown>): Record<string, unknown> {
  const redact = (item: unknown): unknown => {
    if (typeof item === 'string') return redactForLog(item)
    if (Array.isArray(item)) return item.map(redact)
    return isObject(item) ? redactStrings(item) : item
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redact(item)]))
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
