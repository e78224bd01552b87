/**
 * Per-user attempt limits on the MFA routes that guard or mint a secret, with
 * the Workers Rate Limiting binding (`[[ratelimits]]` in wrangler.core.toml).
 *
 * The key is the SaaSus user id, so it runs after `requireUser`: the one
 * upstream call made before the limit is `GET /userinfo`, a read that spends no
 * guess and is needed to know whose budget to charge. A key derived from the ID
 * token would not hold: every fresh login (or another stolen token) would start
 * a fresh budget for the same victim. Over the limit, the guarded SaaSus call
 * (verify, secret code) is never made.
 */
import type { MiddlewareHandler } from 'hono'
import { ApiError } from '../../shared/errors'
import type { AppEnv } from '../app-env'
import { documented } from '../openapi/describe'

/** The bindings declared in wrangler.core.toml `[[ratelimits]]` (typed by `npm run generate`). */
export type LimiterBinding = {
  [K in keyof Env]: Env[K] extends RateLimit ? K : never
}[keyof Env]

// The binding does not say when its window resets and its period is 10 or 60 s,
// so 60 s is an upper bound that is never too early (RFC 9110 §10.2.3).
const RETRY_AFTER_SECONDS = 60

/**
 * Charges one attempt to `key` on the limiter `binding`; over the limit, 429 with Retry-After.
 * A deployment whose config lost the binding is refused (500 misconfigured), never run unguarded.
 */
export async function chargeAttempt(env: Env, binding: LimiterBinding, key: string): Promise<void> {
  const limiter: RateLimit | undefined = env[binding]
  if (!limiter) {
    console.error(JSON.stringify({ level: 'error', event: 'misconfigured', problems: [`${binding} is not bound`] }))
    throw new ApiError('misconfigured')
  }
  const { success } = await limiter.limit({ key })
  if (!success) throw new ApiError('too_many_attempts', { headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } })
}

/**
 * @example routes.post('/mfa_verify', limitPerUser('MFA_VERIFY_LIMITER'), handler)
 */
export const limitPerUser = (binding: LimiterBinding): MiddlewareHandler<AppEnv> =>
  documented(
    async function limitPerUserHandler(c, next) {
      await chargeAttempt(c.env, binding, c.get('user').id)
      await next()
    },
    { errors: ['too_many_attempts', 'misconfigured'] },
  )
