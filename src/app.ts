/**
 * The app: middleware in the order each request meets it, then the routes, then
 * the one place that turns failures into responses.
 *
 *   request log → response headers → /openapi.json (public, needs no configuration)
 *   → context (settings, SaaSus client) → CORS → body limit
 *   → route (each states its description and its guards: requireUser, limits, …)
 */
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import type { AppEnv } from './app-env'
import { ApiError, type ErrorCode } from './errors'
import { context } from './middleware/context'
import { allowListCors } from './middleware/cors'
import { requestLog } from './middleware/request-log'
import { responseHeaders } from './middleware/response-headers'
import { documented } from './openapi/describe'
import { openApiRoute, referencePageRoutes } from './routes/docs'
import { mfaRoutes } from './routes/mfa'
import { sessionRoutes } from './routes/session'
import { SaasusError } from './saasus/failure'
import { toApiError } from './upstream'

/** What the SPA sends (docs/security.md, "CORS"); browsers compare names case-insensitively. */
export const CORS_ALLOW_HEADERS = [
  'Authorization',
  'Content-Type',
  'X-Requested-With',
  'X-Access-Token',
  'X-SaaSus-Referer',
  'X-SaaSus-Trace-Id',
] as const

// Chromium caps a cached preflight at 2 hours (Firefox at 24); asking for more buys nothing.
const PREFLIGHT_MAX_AGE_SECONDS = 2 * 60 * 60

// The largest body any route takes is `{"verification_code":"123456"}`; 4 KiB is ample.
const MAX_BODY_BYTES = 4 * 1024

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
  // Outermost: they see every response, errors and preflights included.
  .use(requestLog())
  .use(responseHeaders())
  .route('/', openApiRoute)
  .use(context())
  .use(
    allowListCors({
      allowHeaders: CORS_ALLOW_HEADERS,
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      // Not CORS-safelisted, so a cross-origin SPA reads them only if exposed: when to retry a 429,
      // and the id that finds a request's log line.
      exposeHeaders: ['Retry-After', 'X-Request-Id'],
      maxAgeSeconds: PREFLIGHT_MAX_AGE_SECONDS,
    }),
  )
  // Oversized bodies are refused before any SaaSus call.
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
  // Session routes: /credentials, /refresh, /logout (cookie, X-Requested-With) and /userinfo (bearer).
  .route('/', sessionRoutes)
  // The interactive reference page, where configured.
  .route('/', referencePageRoutes)

app.notFound(() => {
  throw new ApiError('not_found')
})

app.onError((error, c) => {
  const apiError = toResponseError(error)
  c.set('errorCode', apiError.code)
  if (apiError.code === 'internal_error') {
    // A bug, not a client's mistake: keep the class and message, never a body or a token.
    const cause = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    console.error(JSON.stringify({ level: 'error', event: 'unhandled', cause }))
  }
  return c.json(apiError.body, apiError.status, apiError.headers)
})

export { app }
export type AppType = typeof app
