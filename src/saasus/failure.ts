/**
 * How a failed SaaSus call is classified: once, here, into a closed set that
 * routes map to statuses. Nothing of the upstream body leaves this module except
 * the `type` word of a well-formed SaaSus `Error`, kept for logs.
 *
 * The MFA operations document only `500 Error` for failures, so a wrong code and
 * an outage can arrive with the same status. The rule:
 * - 401 / 403, or an `Error` whose type is `invalid_access_token` → unauthorized
 *   (the token the caller gave was refused);
 * - 429 → unavailable (SaaSus is shedding load; the request itself was fine);
 * - any other 4xx → rejected;
 * - 500 with a well-formed `Error` JSON body whose type is not
 *   `internal_server_error` → rejected: SaaSus's application looked at the
 *   request and refused it in its own vocabulary;
 * - 500 without such a body, a 500 `internal_server_error`, any other 5xx,
 *   a 2xx whose body does not match the definition → unavailable;
 * - no answer (connection refused or reset) → unavailable;
 * - no answer within the timeout → timeout.
 */
import { errorBodySchema } from './types'

export type SaasusFailureKind = 'unauthorized' | 'rejected' | 'unavailable' | 'timeout'

/** Why an `unavailable` failure happened: a 5xx answer, an unreadable one, or none at all. */
export type UnavailableCause = 'server_error' | 'malformed_response' | 'connection' | 'overloaded'

export class SaasusError extends Error {
  constructor(
    readonly kind: SaasusFailureKind,
    readonly operation: string,
    readonly detail: {
      /** The HTTP status SaaSus answered with, if it answered. */
      status?: number
      /** The `type` of SaaSus's `Error` body, if it sent a well-formed one. */
      upstreamType?: string
      cause?: UnavailableCause
    } = {},
  ) {
    super(`SaaSus ${operation} failed: ${kind}${detail.status ? ` (${detail.status})` : ''}`)
    this.name = 'SaasusError'
  }
}

const ACCESS_TOKEN_REFUSED = 'invalid_access_token'
const SERVER_FAULT = 'internal_server_error'

/** Classifies a non-2xx SaaSus answer from its status and (already read) body text. */
export function classifyResponse(operation: string, status: number, bodyText: string): SaasusError {
  const upstreamType = errorType(bodyText)
  const detail = { status, ...(upstreamType ? { upstreamType } : {}) }
  if (status === 401 || status === 403 || upstreamType === ACCESS_TOKEN_REFUSED) {
    return new SaasusError('unauthorized', operation, detail)
  }
  if (status === 429) return new SaasusError('unavailable', operation, { ...detail, cause: 'overloaded' })
  if (status >= 400 && status < 500) return new SaasusError('rejected', operation, detail)
  if (status === 500 && upstreamType !== undefined && upstreamType !== SERVER_FAULT) {
    return new SaasusError('rejected', operation, detail)
  }
  const cause: UnavailableCause = status === 503 ? 'overloaded' : 'server_error'
  return new SaasusError('unavailable', operation, { ...detail, cause })
}

function errorType(bodyText: string): string | undefined {
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(bodyText))
    return parsed.success ? parsed.data.type.toLowerCase() : undefined
  } catch {
    return undefined
  }
}
