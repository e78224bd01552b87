/**
 * How both Workers answer a failure: the catalogue's body, status and headers, never a stack, a
 * token or an upstream body. The code is kept for the request's log line; a failure that is no
 * catalogue error is a bug, logged once and answered `500 internal_error`.
 */
import { HTTPException } from 'hono/http-exception'
import { ApiError, type ErrorBody, type ErrorCode, reportUnhandled } from './errors'

/** What of a Hono context the answer needs; every app's context has it. */
export interface AnsweringContext {
  set(key: 'errorCode', value: ErrorCode | undefined): void
  json(body: ErrorBody, status: ApiError['status'], headers?: Record<string, string | string[]>): Response
}

/** Hono's own HTTP exceptions (from its validators, its body limit) as catalogue errors. */
function fromHttpException(error: HTTPException): ApiError {
  const byStatus: Partial<Record<number, ErrorCode>> = {
    401: 'invalid_token',
    404: 'not_found',
    413: 'payload_too_large',
    415: 'unsupported_media_type',
  }
  // Hono's JSON validator refuses a body it cannot read (an empty one: the json guard let it pass) with 400.
  if (error.status === 400) {
    return new ApiError('invalid_request', { cause: error, field: { name: 'body', problem: 'must be a JSON object' } })
  }
  return new ApiError(byStatus[error.status] ?? 'internal_error', { cause: error })
}

/**
 * The app's `onError`. `translate` turns a Worker's own failures (the core's SaaSus errors) into
 * catalogue errors; it answers undefined for anything else.
 */
export function answerError(
  c: AnsweringContext,
  error: unknown,
  translate: (error: unknown) => ApiError | undefined = () => undefined,
): Response {
  const apiError =
    error instanceof ApiError
      ? error
      : (translate(error) ??
        (error instanceof HTTPException ? fromHttpException(error) : new ApiError('internal_error', { cause: error })))
  c.set('errorCode', apiError.code)
  if (apiError.code === 'internal_error') reportUnhandled(error)
  return c.json(apiError.body, apiError.status, apiError.headers)
}
