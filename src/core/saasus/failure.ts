/**
 * How a failed SaaSus call is classified: once, here, into a closed set of kinds
 * that routes map to statuses. A verdict reads the call, the status, and the
 * `type` and `message` of SaaSus's `Error` together (the words are in
 * refusals.ts), in this order:
 *
 * 1. our credentials refused (signature, API key, SaaS ID, IP restriction words,
 *    whatever the status) → misconfigured;
 * 2. the operator's words for this call (SAASUS_REFUSAL_WORDS), then the built-in
 *    words: an attempt limit, throttling, then the refusals a user can cause on
 *    this call (a wrong code, a refused token, enabling too early, a spent code);
 * 3. the status alone: 401/403 is the user's token on a call that carries one
 *    (/userinfo, the two software-token calls), else our credentials; 429 →
 *    overloaded; any other 4xx → the call's refusal of the request (a wrong
 *    code, enabling too early, a spent code) or of its token;
 * 4. anything else (a 500 whose words nothing recognises, a 502–504 whatever
 *    its body) → an outage.
 *
 * Nothing of SaaSus's body reaches a client; logs get the `type` and a redacted,
 * bounded `message` (redact.ts).
 */
import { redactForLog, traceIdForLog } from './redact'
import {
  ANY_CALL_REFUSALS,
  BUILT_IN_WORDS,
  type CallName,
  CREDENTIAL_CAUSES,
  mentions,
  normalize,
  REFUSALS,
  type Refusal,
  type RefusalWords,
  USER_REFUSALS,
} from './refusals'
import { errorBodySchema } from './types'

export type SaasusFailureKind = 'unauthorized' | 'rejected' | 'throttled' | 'misconfigured' | 'unavailable' | 'timeout'

/** Why an `unavailable` failure happened: a 5xx answer, an unreadable one, or none at all. */
export type UnavailableCause = 'server_error' | 'malformed_response' | 'connection' | 'overloaded'

export interface SaasusFailureDetail {
  /** The HTTP status SaaSus answered with, if it answered. */
  status?: number
  /** The `type` of SaaSus's `Error` body, redacted and bounded, if it sent one. */
  upstreamType?: string
  /** The `message` of SaaSus's `Error` body, redacted and bounded, if it sent one: for logs only. */
  upstreamMessage?: string
  /** The refusal the words or the status pointed to, if any. */
  refusal?: Refusal
  /** Which rule decided: `words:<refusal>`, `operator:<refusal>`, `status:<n>`, `body:Status=ERROR`, … */
  rule?: string
  /** For `misconfigured`: which setting most likely is wrong. */
  likelyCause?: string
  /** The `X-Saasus-Trace-Id` SaaSus answered with, to quote to SaaSus support. */
  traceId?: string
  cause?: UnavailableCause
}

export class SaasusError extends Error {
  constructor(
    readonly kind: SaasusFailureKind,
    readonly operation: string,
    readonly detail: SaasusFailureDetail = {},
  ) {
    super(`SaaSus ${operation} failed: ${kind}${detail.status ? ` (${detail.status})` : ''}`)
    this.name = 'SaasusError'
  }
}

/** What the classifier knows of the call that failed. */
export interface FailedCall {
  /** The operationId, for logs (e.g. `UpdateSoftwareToken`). */
  operation: string
  /** The call's name in the refusal tables. */
  call: CallName
  /** The refusals this call can end in, if narrower than the call's (e.g. only the refresh flow of /credentials). */
  refusals?: readonly Refusal[]
  /** Whether a 401/403 can mean the user's token: the call carries one and SaaSus documents 401 for it. */
  userTokenMay401: boolean
  /** What an unworded 4xx (other than 401, 403, 429) means here, if anything more than "rejected". */
  clientError?: Refusal
}

const SERVER_FAULT = 'internal server error'

/** Classifies a non-2xx SaaSus answer from its status and (already read) body text. */
export function classifyResponse(
  call: FailedCall,
  status: number,
  bodyText: string,
  operatorWords: RefusalWords = {},
  traceId?: string,
): SaasusError {
  const body = errorBody(bodyText)
  const detail: SaasusFailureDetail = {
    status,
    ...(body ? { upstreamType: redactForLog(body.type), upstreamMessage: redactForLog(body.message) } : {}),
    ...(traceIdForLog(traceId) ? { traceId } : {}),
  }
  const text = body ? normalize(`${body.type} ${body.message}`) : ''
  const candidates = call.refusals ?? USER_REFUSALS[call.call]
  const verdict = (refusal: Refusal, rule: string) =>
    new SaasusError(REFUSALS[refusal], call.operation, {
      ...detail,
      refusal,
      rule,
      ...(refusal === 'credentials_refused' ? { likelyCause: likelyCause(text) } : {}),
      ...(refusal === 'overloaded' ? { cause: 'overloaded' } : {}),
    })

  // Words count on a 4xx and a 500; a 502–504 is a gateway's, whatever body it carries.
  if (text && status <= 500) {
    const operator = operatorWords[call.call] ?? {}
    for (const refusal of [...ANY_CALL_REFUSALS, ...candidates]) {
      const words = operator[refusal]
      if (words && mentions(text, words)) return verdict(refusal, `operator:${refusal}`)
    }
    if (mentions(text, BUILT_IN_WORDS.credentials_refused)) return verdict('credentials_refused', 'words:credentials')
    if (candidates.includes('attempts_exceeded') && mentions(text, BUILT_IN_WORDS.attempts_exceeded)) {
      return verdict('attempts_exceeded', 'words:attempts_exceeded')
    }
    // Throttling is never a wrong code, whatever else the message says.
    if (mentions(text, BUILT_IN_WORDS.overloaded)) return verdict('overloaded', 'words:overloaded')
    for (const refusal of candidates) {
      if (refusal !== 'attempts_exceeded' && mentions(text, BUILT_IN_WORDS[refusal])) {
        return verdict(refusal, `words:${refusal}`)
      }
    }
  }

  if (status === 401 || status === 403) {
    const tokenRefusal = candidates.find((refusal) => REFUSALS[refusal] === 'unauthorized')
    return call.userTokenMay401 && tokenRefusal
      ? verdict(tokenRefusal, `status:${status}`)
      : verdict('credentials_refused', `status:${status}`)
  }
  if (status === 429) return verdict('overloaded', 'status:429')
  if (status >= 400 && status < 500) {
    return call.clientError
      ? verdict(call.clientError, `status:${status}`)
      : new SaasusError('rejected', call.operation, { ...detail, rule: `status:${status}` })
  }
  const rule = body && normalize(body.type) === SERVER_FAULT ? 'unrecognised:internal_server_error' : 'unrecognised'
  const cause: UnavailableCause = status === 503 ? 'overloaded' : 'server_error'
  return new SaasusError('unavailable', call.operation, { ...detail, rule, cause })
}

/**
 * A 2xx of the software-token call whose body says it failed: Cognito's
 * VerifySoftwareToken can answer success at the HTTP level with `Status: "ERROR"`.
 * Undefined for any other call, or a body that says nothing of the kind.
 */
export function failureInSuccess(call: FailedCall, status: number, body: unknown, traceId?: string) {
  if (call.call !== 'software_token' || typeof body !== 'object' || body === null) return undefined
  const value = (body as Record<string, unknown>).Status ?? (body as Record<string, unknown>).status
  if (typeof value !== 'string' || value.toUpperCase() !== 'ERROR') return undefined
  return new SaasusError('rejected', call.operation, {
    status,
    refusal: 'wrong_code',
    rule: 'body:Status=ERROR',
    ...(traceIdForLog(traceId) ? { traceId } : {}),
  })
}

function likelyCause(text: string): string {
  return (
    CREDENTIAL_CAUSES.find(([word]) => text.includes(word))?.[1] ??
    'SAASUS_SAAS_ID, SAASUS_API_KEY or SAASUS_SECRET_KEY (SaaSus refused a call that carries no user token)'
  )
}

function errorBody(bodyText: string): { type: string; message: string } | undefined {
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(bodyText))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}
