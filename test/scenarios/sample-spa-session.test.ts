/**
 * The public sample SPA's sign-in loop end to end inside workerd: hosted login →
 * callback (/credentials) → /userinfo and routing by role → the MFA dialog →
 * ID token expiry → /refresh from the cookie → MFA off → sign-out. The steps
 * live in test/support/sample-spa.ts, which `npm run replay:session` also runs
 * against `wrangler dev`.
 */
import { describe, expect, it } from 'vitest'
import { freshUser, spaTarget } from '../support/harness'
import { replaySampleSpa } from '../support/sample-spa'

describe('the sample SPA session', () => {
  it('signs in, routes by role, runs the MFA dialog, refreshes after expiry and signs out', async () => {
    const user = await freshUser({ roles: ['admin'] })
    const result = await replaySampleSpa(spaTarget, { userId: user.id, idTokenLifetimeSeconds: 3 })
    expect(result.landing).toMatch(/^\/admin\/toppage\?tenant_id=[0-9a-f-]{36}$/)
    expect(result.refreshedIdToken).not.toBe(result.firstIdToken)
    expect(result.calls).toEqual([
      'GET /credentials 200',
      'GET /userinfo 200',
      'GET /userinfo 200',
      'GET /mfa_status 200',
      'GET /mfa_setup 200',
      'POST /mfa_verify 200',
      'POST /mfa_enable 200',
      'GET /mfa_status 200',
      'GET /userinfo 401',
      'GET /refresh 200',
      'GET /userinfo 200',
      'GET /mfa_status 200',
      'POST /mfa_disable 200',
      'GET /mfa_status 200',
      'POST /logout 200',
      'GET /refresh 401',
    ])
  }, 20_000)

  it('routes a user with the "user" role to the user top page', async () => {
    const user = await freshUser({ roles: ['user'] })
    const result = await replaySampleSpa(spaTarget, { userId: user.id, idTokenLifetimeSeconds: 3 })
    expect(result.landing).toMatch(/^\/user\/toppage\?tenant_id=/)
  }, 20_000)
})
