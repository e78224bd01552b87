/**
 * The public SaaSus sample SPA's MFA dialog, replayed exactly as a browser sends
 * it (test/support/sample-spa.ts, which `npm run replay:mfa` also runs): a
 * preflight before each call, since every call carries Authorization, then
 * status → setup → verify → enable → status → disable → status, for each
 * seeded kind of user.
 */
import { describe, expect, it } from 'vitest'
import { seededUsers, spaTarget, type TestUser } from '../support/harness'
import { replayMfaDialog } from '../support/sample-spa'

const users = await seededUsers()
const seeded = (match: (user: TestUser) => boolean) => {
  const user = users.find(match)
  if (!user) throw new Error('the emulator lacks a seeded user')
  return user
}
const kinds: [string, TestUser][] = [
  ['an e-mail user', seeded((u) => u.email === 'alice@example.com')],
  ['a user whose e-mail has a +', seeded((u) => u.email === 'bob+mfa@example.com')],
  ['a sign-in-ID user with an empty e-mail', seeded((u) => u.sign_in_id === 'carol_signin')],
]

describe('the sample SPA MFA dialog', () => {
  it.each(kinds)('enrolls, enables and disables MFA for %s', async (_, user) => {
    const result = await replayMfaDialog(spaTarget, { idToken: user.id_token, accessToken: user.access_token })
    expect(result.enabledBefore).toBe(false)
    const account = user.email || user.sign_in_id
    expect(result.qrCodeUrl.startsWith(`otpauth://totp/SaaSusPlatform:${encodeURIComponent(account)}?secret=`)).toBe(
      true,
    )
    expect(result.calls).toEqual([
      'GET /mfa_status 200',
      'GET /mfa_setup 200',
      'POST /mfa_verify 200',
      'POST /mfa_enable 200',
      'GET /mfa_status 200',
      'POST /mfa_disable 200',
      'GET /mfa_status 200',
    ])
  })
})
