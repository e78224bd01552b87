/**
 * Limits for the one route without a user to count against, `POST /mfa_recover`:
 * per client address and over all clients, with the Rate Limiting binding (a
 * cheap first line; the owner's account object counts wrong codes exactly).
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env'
import { documented } from '../openapi/describe'
import { chargeAttempt, type LimiterBinding } from './rate-limit'

/**
 * The key of a client's address: an IPv4 address whole, an IPv6 address by its /64, the
 * block one subscriber is usually given (counting each of its 2^64 addresses apart would
 * let one client rotate past the limit).
 */
export function addressKey(ip: string | undefined): string {
  if (!ip) return 'address:unknown'
  if (!ip.includes(':')) return `address:${ip}`
  const [head = '', tail = ''] = ip.toLowerCase().split('::', 2)
  const left = head ? head.split(':') : []
  const right = ip.includes('::') && tail ? tail.split(':') : []
  const groups = ip.includes('::')
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left
  const prefix = groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, ''))
  return `address:${prefix.join(':')}::/64`
}

/**
 * `address`: keyed by the client's address (`CF-Connecting-IP`, which Cloudflare
 * sets and a client cannot; IPv6 by its /64); `overall`: one key for every client.
 * @example routes.post('/mfa_recover', limitClients('MFA_RECOVER_LIMITER', 'address'), handler)
 */
export const limitClients = (binding: LimiterBinding, scope: 'address' | 'overall'): MiddlewareHandler<AppEnv> =>
  documented(
    async function limitClientsHandler(c, next) {
      await chargeAttempt(c.env, binding, scope === 'overall' ? 'all' : addressKey(c.req.header('CF-Connecting-IP')))
      await next()
    },
    { errors: ['too_many_attempts', 'misconfigured'] },
  )
