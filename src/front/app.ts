/**
 * The front: the Worker browsers reach, placed near each user. It answers itself what needs no
 * SaaSus, and forwards the rest to the core (src/core/app.ts) over the CORE service binding.
 *
 *   request id and log → response headers → /openapi.json (public) → settings → CORS
 *   → body limit → request shape (the method, the route's guards that need no SaaSus) → /docs, or the core
 *
 * Its refusals are the core's own: same catalogue, same headers, the same CORS decision.
 *
 * A request the app would only pass on (a route of the table, an allowed origin or none, its checks
 * met) takes the forward path instead (./forward.ts `forwardFirst`): the same checks and headers,
 * without this chain, whose middleware cost a forwarded request as much again as the hop itself.
 */
import { Hono, type MiddlewareHandler } from 'hono'
import { answerError } from '../shared/answer'
import { ConfigError, reportConfigError } from '../shared/config-error'
import { ApiError } from '../shared/errors'
import { MAX_BODY_BYTES } from '../shared/request-limits'
import { ROUTES } from '../shared/routes'
import type { FrontAppEnv } from './app-env'
import { boundedBody, unreadBodyDrained } from './body'
import { allowListCors, type CorsOptions, corsAnswerHeaders } from './cors'
import { openApiRoute, referencePageRoutes } from './docs'
import { type ForwardFirstOptions, forwardFirst, forwardToCore } from './forward'
import { frontRequestLog } from './request-log'
import { requestShape, routeChecks } from './request-shape'
import { responseHeaders } from './response-headers'
import { frontSettingsFor } from './settings'

/** What the SPA sends (docs/security.md, "CORS"); browsers compare names case-insensitively. */
export const CORS_ALLOW_HEADERS = [
  'Authorization',
  'Content-Type',
  'X-Requested-With',
  'X-Access-Token',
  'X-SaaSus-Referer',
  'X-SaaSus-Trace-Id',
  // Step-up on /mfa_setup (docs/account-protection.md).
  'X-Verification-Code',
] as const

// Chromium caps a cached preflight at 2 hours (Firefox at 24); asking for more buys nothing.
const PREFLIGHT_MAX_AGE_SECONDS = 2 * 60 * 60

const CORS: CorsOptions = {
  allowHeaders: CORS_ALLOW_HEADERS,
  // Every method of the route table (PUT for a tenant's policy), so no route is out of a browser's reach.
  allowMethods: [...new Set([...Object.values(ROUTES).map((route) => route.method), 'OPTIONS'])],
  // Not CORS-safelisted, so a cross-origin SPA reads them only if exposed: when to retry a 429,
  // and the id that finds a request's log lines.
  exposeHeaders: ['Retry-After', 'X-Request-Id'],
  maxAgeSeconds: PREFLIGHT_MAX_AGE_SECONDS,
}

/** The core's routes and the front's own operation: every path of the API, for its method check. */
const API_ROUTES = { ...ROUTES, getOpenApi: { method: 'GET', path: '/openapi.json', guards: [] } } as const

const settings = (): MiddlewareHandler<FrontAppEnv> =>
  async function settingsHandler(c, next) {
    try {
      c.set('settings', frontSettingsFor(c.env))
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      reportConfigError(c.env, error)
      throw new ApiError('misconfigured', { cause: error })
    }
    await next()
  }

/**
 * The app: every answer the front gives is defined here, the forwarded ones included. `front` below
 * is this app with the forward path in front of it; test/security/forward-path.test.ts holds the two
 * to the same answers.
 */
export function frontApp() {
  const app = new Hono<FrontAppEnv>()
    .use(frontRequestLog())
    // A refusal before the body is read (CORS, the method) still reads it, bounded, before answering.
    .use(unreadBodyDrained())
    .use(responseHeaders())
    .route('/', openApiRoute)
    .use(settings())
    .use(allowListCors(CORS))
    .use(boundedBody(MAX_BODY_BYTES))
    .route('/', requestShape(API_ROUTES))
    .route('/', referencePageRoutes)
    .all('*', forwardToCore())
  app.onError((error, c) => answerError(c, error))
  return app
}

/** What the forward path forwards, and the CORS headers it adds: the app's own. */
export const FORWARD: ForwardFirstOptions = { routes: routeChecks(ROUTES), addCorsHeaders: corsAnswerHeaders(CORS) }

/** The front: the app, its `fetch` trying the forward path first. */
export const front = forwardFirst(frontApp(), FORWARD)
