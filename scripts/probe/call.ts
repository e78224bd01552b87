/**
 * One call of the SaaSus probe: signed with SAASUSSIGV1 over the body exactly as
 * sent, one timeout for the whole exchange, and the answer kept raw (status,
 * text, parsed JSON) for the verdict to read. Plain `fetch` and Web Crypto, so it
 * runs in Node and in workerd alike.
 */
import type { SaasusSettings } from '../../src/core/saasus/client.ts'
import { traceIdForLog } from '../../src/core/saasus/redact.ts'
import { type AuthApiRequest, signedRequest } from '../../src/core/saasus/request.ts'
import type { SigningCredentials } from '../../src/core/saasus/signature.ts'

/** One Auth API request, before it is signed. */
export type ProbeRequest = AuthApiRequest

/** What SaaSus answered. */
export interface Answer {
  status: number
  text: string
  /** The body parsed as JSON, undefined if it is not JSON. */
  json: unknown
  /** SaaSus's `X-Saasus-Trace-Id`, if it is a plausible id. */
  traceId?: string
}

/** No answer: none in time, or the connection failed. */
export interface NoAnswer {
  status: 'timeout' | 'connection'
  /** What failed, e.g. `connect ECONNREFUSED 127.0.0.1:1`. */
  reason: string
}

export type Outcome = Answer | NoAnswer

/** Where and how the probe calls: the settings, extra headers, and the fetch to use. */
export interface Caller {
  saasus: SaasusSettings
  /** Sent on every call, under the signature (which always wins). */
  headers: Record<string, string>
  fetch: typeof fetch
}

/** True if SaaSus answered at all, whatever the status. */
export const answered = (outcome: Outcome): outcome is Answer => typeof outcome.status === 'number'

/** Makes one call; signs with `credentials` instead of the configured ones if given (the signature case). */
export async function signedCall(
  caller: Caller,
  request: ProbeRequest,
  credentials: SigningCredentials = caller.saasus,
): Promise<Outcome> {
  const { url, init } = await signedRequest(caller.saasus.authApiUrl, credentials, request, caller.headers)
  const signal = AbortSignal.timeout(caller.saasus.timeoutMs)
  // Called unbound: workerd's fetch refuses a `this` other than the global scope.
  const send = caller.fetch
  try {
    const response = await send(url, { ...init, signal })
    const text = await response.text()
    const traceId = traceIdForLog(response.headers.get('X-Saasus-Trace-Id'))
    return { status: response.status, text, json: parseJson(text), ...(traceId ? { traceId } : {}) }
  } catch (error) {
    if (signal.aborted) return { status: 'timeout', reason: `no answer within ${caller.saasus.timeoutMs} ms` }
    return { status: 'connection', reason: reasonOf(error) }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Node's `fetch failed` hides the useful part (ECONNREFUSED, ENOTFOUND) in its cause. */
function reasonOf(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error
  return cause instanceof Error ? cause.message : String(cause)
}
