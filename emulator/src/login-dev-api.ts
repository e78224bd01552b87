/**
 * Development-only stand-in for SaaSus's hosted login page (never part of
 * SaaSus): signs a user in without a password and hands back the one-time code
 * the real page would put in the redirect to the SPA's callback URL.
 *
 *   POST /_emulator/login {user_id, callback_url?, id_token_lifetime_seconds?}
 *     → 201 {code, expires_at, callback_url?}
 *   POST /_emulator/login-codes/{code}/expire → 204 (tests: a code past its 10 s)
 */
import { Hono } from 'hono'
import { z } from 'zod'
import type { EmulatorEnv } from './env'
import { expireLoginCode, mintLoginCode } from './sessions'
import { findUser } from './store'

const loginRequest = z.object({
  user_id: z.string().min(1),
  /** Where the hosted login would redirect; echoed back with `?code=…` appended. */
  callback_url: z.url({ protocol: /^https?$/ }).optional(),
  /** Short-lived ID tokens let a replay reach the SPA's refresh without waiting a day. */
  id_token_lifetime_seconds: z
    .number()
    .int()
    .min(2)
    .max(24 * 60 * 60)
    .optional(),
})

export const loginDevApi = new Hono<EmulatorEnv>()
  .post('/login', async (c) => {
    const parsed = loginRequest.safeParse(await c.req.json().catch(() => null))
    if (!parsed.success) return c.json({ error: 'invalid login request', issues: parsed.error.issues }, 400)
    const { user_id, callback_url, id_token_lifetime_seconds } = parsed.data
    const user = findUser(user_id)
    if (!user) return c.json({ error: 'no such user' }, 404)
    const { code, expiresAt } = mintLoginCode(user, id_token_lifetime_seconds)
    const redirect = callback_url ? new URL(callback_url) : undefined
    redirect?.searchParams.set('code', code)
    return c.json(
      { code, expires_at: new Date(expiresAt).toISOString(), ...(redirect ? { callback_url: redirect.href } : {}) },
      201,
    )
  })
  .post('/login-codes/:code/expire', (c) =>
    expireLoginCode(c.req.param('code')) ? c.body(null, 204) : c.json({ error: 'no such code' }, 404),
  )
