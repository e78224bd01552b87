/**
 * The core app: middleware in the order each request meets it, then the routes, then
 * the one place that turns failures into responses. It is reached only through the
 * front (src/front/), which answers CORS, /openapi.json and /docs, forwards the rest and gives
 * every answer the secure headers and `Cache-Control: no-store` (src/front/response-headers.ts)
 * on its way out: the core has no public URL, so it does not write them too.
 *
 *   request log → context (settings, SaaSus client) → body limit → the method (405 with `Allow`)
 *   → route (each states its description and its guards: requireUser, limits, …)
 */
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { answerError } from '../shared/answer'
import { ApiError } from '../shared/errors'
import { MAX_BODY_BYTES } from '../shared/request-limits'
import type { AppEnv } from './app-env'
import { requireAllowedMethod } from './middleware/allowed-method'
import { context } from './middleware/context'
import { requestLog } from './middleware/request-log'
import { documented } from './openapi/describe'
import { accountRoutes } from './routes/account'
import { mfaRoutes } from './routes/mfa'
import { sessionRoutes } from './routes/session'
import { tenantRoutes } from './routes/tenant'
import { webhookRoutes } from './routes/webhooks'
import { SaasusError } from './saasus/failure'
import { toApiError } from './upstream'

const app = new Hono<AppEnv>()
  // Outermost: it sees every response, errors included.
  .use(requestLog())
  .use(context())
  // Oversized bodies are refused before any SaaSus call (the front refuses them first, draining the
  // stream for the client's sake; the core is reached only over the binding, with the front's bytes).
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
  // A path of the route table asked with another method, before any route's guards.
  .use(requireAllowedMethod())
  .route('/', mfaRoutes)
  // Account protection: recovery codes, recovery without a token, security activity.
  .route('/', accountRoutes)
  // Session routes: /credentials, /refresh, /logout (cookie, X-Requested-With) and /userinfo (bearer).
  .route('/', sessionRoutes)
  // Tenant MFA policy: a tenant's requirement, its members' MFA, its history, an admin's reset.
  .route('/', tenantRoutes)
  // Security webhooks' dead letters, for whoever holds the webhook secret.
  .route('/', webhookRoutes)

app.notFound(() => {
  throw new ApiError('not_found')
})

// A SaaSus failure that reached no route's own mapping is the upstream's, not the caller's token.
app.onError((error, c) =>
  answerError(c, error, (failure) =>
    failure instanceof SaasusError ? toApiError(failure, { unauthorized: 'upstream_error' }) : undefined,
  ),
)

export { app }
export type AppType = typeof app
