/**
 * The core app: middleware in the order each request meets it, then the routes, then
 * the one place that turns failures into responses. It is reached only through the
 * front (src/front/), which answers CORS, /openapi.json and /docs, forwards the rest and gives
 * every answer the secure headers and `Cache-Control: no-store` (src/front/response-headers.ts)
 * on its way out: the core has no public URL, so it does not write them too.
 *
 *   request log → context (settings, SaaSus client) → body limit
 *   → route (each states its description and its guards: requireUser, limits, …)
 */
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import type { AppEnv } from './app-env'
import { ApiError, type ErrorCode, reportUnhandled } from '../shared/errors'
import { context } from './middleware/context'
import { requestLog } from './middleware/request-log'
import { documented } from './openapi/describe'
import { MAX_BODY_BYTES } from '../shared/request-limits'
import { accountRoutes } from './routes/account'
import { mfaRoutes } from './routes/mfa'
import { sessionRoutes } from './routes/session'
import { SaasusError } from './saasus/failure'
import { toApiError } from './upstream'

/** Maps Hono's own HTTP exceptions (e.g. from its validators) onto the catalogue. */
function fromHttpException(error: HTTPException): ApiError {
  const byStatus: Partial<Record<number, ErrorCode>> = {
    401: 'invalid_token',
    404: 'not_found',
    413: 'payload_too_large',
    415: 'unsupported_media_type',
  }
  // Hono's JSON validator refuses a body it cannot read (an empty one: jsonBody let it pass) with 400.
  if (error.status === 400) {
    return new ApiError('invalid_request', { cause: error, field: { name: 'body', problem: 'must be a JSON object' } })
  }
  return new ApiError(byStatus[error.status] ?? 'internal_error', { cause: error })
}

function toResponseError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  if (error instanceof SaasusError) return toApiError(error, { unauthorized: 'upstream_error' })
  if (error instanceof HTTPException) return fromHttpException(error)
  return new ApiError('internal_error', { cause: error })
}

const app = new Hono<AppEnv>()
  // Outermost: it sees every response, errors included.
  .use(requestLog())
  .use(context())
  // Oversized bodies are refused before any SaaSus call (the front refuses them first; this keeps
  // the core safe on its own).
  .use(
    documented(
      bodyLimit({
        maxSize: MAX_BODY_BYTES,
        onError: () => {
          throw new ApiError('payload_too_large')
        },
      }),
      { errors: ['payload_too_large'] },
    ),
  )
  .route('/', mfaRoutes)
  // Account protection: recovery codes, recovery without a token, security activity.
  .route('/', accountRoutes)
  // Session routes: /credentials, /refresh, /logout (cookie, X-Requested-With) and /userinfo (bearer).
  .route('/', sessionRoutes)

app.notFound(() => {
  throw new ApiError('not_found')
})

app.onError((error, c) => {
  const apiError = toResponseError(error)
  c.set('errorCode', apiError.code)
  if (apiError.code === 'internal_error') reportUnhandled(error)
  return c.json(apiError.body, apiError.status, apiError.headers)
})

export { app }
export type AppType = typeof app
