/**
 * From a classified SaaSus failure to this API's error: the one place where the
 * closed set (unauthorized, rejected, throttled, misconfigured, unavailable,
 * timeout) becomes a status. Each route says what "unauthorized" and "rejected"
 * mean for its call; the rest mean the same everywhere.
 */
import { ApiError, type ErrorCode } from '../shared/errors'
import { SaasusError } from './saasus/failure'

/** What any SaaSus call may end in, whatever the route (for the routes' descriptions). */
export const UPSTREAM_ERRORS = [
  'upstream_error',
  'upstream_misconfigured',
  'upstream_unavailable',
  'upstream_timeout',
] as const satisfies ErrorCode[]

export interface RejectionCodes {
  /** What SaaSus refusing the caller's token means here. */
  unauthorized: ErrorCode
  /** What SaaSus refusing the request itself means here. @default 'upstream_rejected' */
  rejected?: ErrorCode
}

export function toApiError(error: SaasusError, codes: RejectionCodes): ApiError {
  switch (error.kind) {
    case 'unauthorized':
      return new ApiError(codes.unauthorized, { cause: error })
    case 'rejected':
      return new ApiError(codes.rejected ?? 'upstream_rejected', { cause: error })
    case 'throttled':
      // SaaSus's own per-user attempt limit; it does not say when it ends, so a minute is a guess that is not too early.
      return new ApiError('too_many_attempts', { cause: error, headers: { 'Retry-After': '60' } })
    case 'misconfigured':
      return new ApiError('upstream_misconfigured', { cause: error })
    case 'timeout':
      return new ApiError('upstream_timeout', { cause: error })
    case 'unavailable':
      return error.detail.cause === 'connection' || error.detail.cause === 'overloaded'
        ? new ApiError('upstream_unavailable', { cause: error })
        : new ApiError('upstream_error', { cause: error })
  }
}

/** Runs a SaaSus call and rethrows its failure as this API's error. */
export async function upstream<T>(promise: Promise<T>, codes: RejectionCodes): Promise<T> {
  try {
    return await promise
  } catch (error) {
    throw error instanceof SaasusError ? toApiError(error, codes) : error
  }
}
