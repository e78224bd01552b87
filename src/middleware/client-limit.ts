/**
 * Limits for the one route without a user to count against, `POST /mfa_recover`:
 * per client address and over all clients, with the Rate Limiting binding (a
 * cheap first line; the owner's account object counts wrong codes exactly).
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env'
import { ApiError } from '../errors'
import { documented } from '../openapi/describe'
import type { LimiterBinding } from './rate-limit'

// As in rate-limit.ts: the binding's period is 10 or 60 s and it does not say when it resets.
const RETRY_AFTER_SECONDS = 60

/**
 * `address`: keyed by the client's IP address (`CF-Connecting-IP`, which Cloudflare
 * sets and a client cannot); `overall`: one key for every client.
 * @example routes.post('/mfa_recover', limitClients('MFA_RECOVER_LIMITER', 'address'), handler)
 */
export const limitClients = (binding: LimiterBinding, scope: 'address' | 'overall'): MiddlewareHandler<AppEnv> =>
  documented(
    async function limitClientsHandler(c, next) {
      const limiter: RateLimit | undefined = c.env[binding]
      if (!limiter) {
        console.error(JSON.stringify({ level: 'error', event: 'misconfigured', problems: [`${binding} is not bound`] }))
        throw new ApiError('misconfigured')
      }
      const key = scope === 'overall' ? 'all' : `address:${c.req.header('CF-Connecting-IP') ?? 'unknown'}`
      const { success } = await limiter.limit({ key })
      if (!success) throw new ApiError('too_many_attempts', { headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } })
      await next()
    },
    { errors: ['too_many_attempts', 'misconfigured'] },
  )
