/**
 * A replay of exactly what the public SaaSus sample SPA's MFA dialog sends, in
 * its order, as a browser sends it (a preflight before each call, since every
 * call carries Authorization): status → setup → verify → enable → status →
 * disable → status, for each seeded kind of user.
 */
import { describe, expect, it } from 'vitest'
import { call, currentCode, SPA_ORIGIN, secretOf, seededUsers, type TestUser } from './support/harness'

interface Step {
  method: 'GET' | 'POST'
  path: string
  accessToken?: boolean
  body?: unknown
}

/** Sends the preflight the browser would, then the call itself; fails on any CORS refusal. */
async function spaCall(user: TestUser, step: Step): Promise<Response> {
  const headers: Record<string, string> = {
    Authorization: `Bearer ${user.id_token}`,
    'X-Requested-With': 'XMLHttpRequest',
    'X-SaaSus-Referer': `/user?action=${step.path.slice(1)}`,
  }
  if (step.accessToken) headers['X-Access-Token'] = user.access_token
  if (step.body !== undefined) headers['Content-Type'] = 'application/json'

  const preflight = await call(step.path, {
    method: 'OPTIONS',
    headers: {
      Origin: SPA_ORIGIN,
      'Access-Control-Request-Method': step.method,
      'Access-Control-Request-Headers': Object.keys(headers)
        .map((name) => name.toLowerCase())
        .sort()
        .join(','),
    },
  })
  expect(preflight.status).toBe(204)
  expect(preflight.headers.get('Access-Control-Allow-Origin')).toBe(SPA_ORIGIN)
  expect(preflight.headers.get('Access-Control-Allow-Credentials')).toBe('true')

  const res = await call(step.path, {
    method: step.method,
    headers: { ...headers, Origin: SPA_ORIGIN },
    ...(step.body === undefined ? {} : { body: JSON.stringify(step.body) }),
  })
  // The browser reads a credentialed response only with these two.
  expect(res.headers.get('Access-Control-Allow-Origin')).toBe(SPA_ORIGIN)
  expect(res.headers.get('Access-Control-Allow-Credentials')).toBe('true')
  return res
}

const users = await seededUsers()
const kinds: [string, TestUser][] = [
  ['an e-mail user', users.find((u) => u.email === 'alice@example.com') as TestUser],
  ['a user whose e-mail has a +', users.find((u) => u.email === 'bob+mfa@example.com') as TestUser],
  ['a sign-in-ID user with an empty e-mail', users.find((u) => u.sign_in_id === 'carol_signin') as TestUser],
]

describe('the sample SPA MFA dialog', () => {
  it.each(kinds)('enrolls, enables and disables MFA for %s', async (_, user) => {
    const status = async () =>
      ((await (await spaCall(user, { method: 'GET', path: '/mfa_status' })).json()) as { enabled: boolean }).enabled

    expect(await status()).toBe(false)

    const setup = await spaCall(user, { method: 'GET', path: '/mfa_setup', accessToken: true })
    expect(setup.status).toBe(200)
    const { qrCodeUrl } = (await setup.json()) as { qrCodeUrl: string }
    const account = user.email || user.sign_in_id
    expect(qrCodeUrl.startsWith(`otpauth://totp/SaaSusPlatform:${encodeURIComponent(account)}?secret=`)).toBe(true)

    const verify = await spaCall(user, {
      method: 'POST',
      path: '/mfa_verify',
      accessToken: true,
      body: { verification_code: currentCode(secretOf(qrCodeUrl)) },
    })
    expect(verify.status).toBe(200)

    expect((await spaCall(user, { method: 'POST', path: '/mfa_enable', body: {} })).status).toBe(200)
    expect(await status()).toBe(true)

    expect((await spaCall(user, { method: 'POST', path: '/mfa_disable', body: {} })).status).toBe(200)
    expect(await status()).toBe(false)
  })
})
