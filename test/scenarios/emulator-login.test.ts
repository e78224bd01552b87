/**
 * The emulator's side of the sign-in loop, against the contract in
 * spec/saasus-authapi.yml (GET /credentials: 200 Credentials, 404/500 Error),
 * called through the API's own signed SaaSus client; and the development API's
 * names for a user, with which a shell starts it (`…/users/alice@example.com/id`).
 */
import { describe, expect, it } from 'vitest'
import { SEEDED_USERS } from '../../emulator/src/store'
import { parseConfig } from '../../src/core/config'
import { createSaasusClient } from '../../src/core/saasus/client'
import { SaasusError } from '../../src/core/saasus/failure'
import { EMULATOR_CREDENTIALS } from '../support/bindings'
import { EMULATOR, freshUser, seededUsers } from '../support/harness'
import { jwtPayload } from '../support/sample-spa'
import { loginCode } from '../support/sign-in'

const saasus = createSaasusClient(parseConfig({ ...EMULATOR_CREDENTIALS }).saasus)

async function failureOf(promise: Promise<unknown>): Promise<SaasusError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(error instanceof SaasusError)) throw new Error(`expected a SaaSus failure, got ${String(error)}`)
  return error
}

describe('the emulated hosted login', () => {
  it('issues a UUID code valid for 10 seconds and appends it to the callback URL', async () => {
    const user = await freshUser()
    const before = Date.now()
    const res = await fetch(`${EMULATOR}/_emulator/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ user_id: user.id, callback_url: 'http://localhost:3000/callback' }),
    })
    expect(res.status).toBe(201)
    const body = (await res.json()) as { code: string; expires_at: string; callback_url: string }
    expect(body.code).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    expect(body.callback_url).toBe(`http://localhost:3000/callback?code=${body.code}`)
    const lifetime = Date.parse(body.expires_at) - before
    expect(lifetime).toBeGreaterThanOrEqual(9_900)
    expect(lifetime).toBeLessThanOrEqual(10_100)
  })

  it('refuses to sign in a user it does not know', async () => {
    const res = await fetch(`${EMULATOR}/_emulator/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ user_id: crypto.randomUUID() }),
    })
    expect(res.status).toBe(404)
  })
})

describe('emulated GET /v1/auth/credentials', () => {
  it('answers tempCodeAuth with JWT-shaped ID tokens carrying sub, email and a day-long exp', async () => {
    const user = await freshUser()
    const credentials = await saasus.getCredentials({ code: await loginCode(user.id) })
    const [header] = credentials.id_token.split('.')
    expect(JSON.parse(atob(header?.replace(/-/g, '+').replace(/_/g, '/') ?? ''))).toMatchObject({ typ: 'JWT' })
    const payload = jwtPayload(credentials.id_token)
    expect(payload).toMatchObject({ sub: user.id, email: user.email })
    expect(payload.exp - Math.floor(Date.now() / 1000)).toBeGreaterThan(24 * 60 * 60 - 60)
    expect(credentials.refresh_token).toBeTruthy()
  })

  it('gives the session the ID token lifetime the login asked for', async () => {
    const user = await freshUser()
    const credentials = await saasus.getCredentials({ code: await loginCode(user.id, { idTokenLifetimeSeconds: 5 }) })
    const { exp } = jwtPayload(credentials.id_token)
    expect(exp - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(5)
    const refreshed = await saasus.getCredentials({ refreshToken: credentials.refresh_token ?? '' })
    expect(jwtPayload(refreshed.id_token).exp - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(5)
  })

  it('answers refreshTokenAuth with new tokens that /userinfo accepts, and no new refresh token', async () => {
    const user = await freshUser()
    const first = await saasus.getCredentials({ code: await loginCode(user.id) })
    const refreshed = await saasus.getCredentials({ refreshToken: first.refresh_token ?? '' })
    expect(refreshed.refresh_token).toBeUndefined()
    expect((await saasus.getUserInfo(refreshed.id_token)).id).toBe(user.id)
  })

  it('accepts a refreshed access token for the software-token calls', async () => {
    const user = await freshUser()
    const first = await saasus.getCredentials({ code: await loginCode(user.id) })
    const refreshed = await saasus.getCredentials({ refreshToken: first.refresh_token ?? '' })
    expect((await saasus.createSecretCode(user.id, refreshed.access_token)).secret_code).toMatch(/^[A-Z2-7]+$/)
  })

  it('refuses a spent code with 404 Error, which the client classifies as a rejection', async () => {
    const user = await freshUser()
    const code = await loginCode(user.id)
    await saasus.getCredentials({ code })
    const failure = await failureOf(saasus.getCredentials({ code }))
    expect(failure.kind).toBe('rejected')
    expect(failure.detail.status).toBe(404)
  })

  it('refuses an unknown refresh token with a 500 Error in its own words, which the client reads as the token refused', async () => {
    const failure = await failureOf(saasus.getCredentials({ refreshToken: 'made-up' }))
    expect(failure.kind).toBe('unauthorized')
    expect(failure.detail).toMatchObject({
      status: 500,
      upstreamType: 'invalid_refresh_token',
      refusal: 'refresh_token_refused',
    })
  })
})

describe('the development API, as a shell asks it for a token', () => {
  const text = async (path: string) => {
    const res = await fetch(`${EMULATOR}/_emulator/users/${path}`)
    return { status: res.status, type: res.headers.get('Content-Type'), body: await res.text() }
  }

  it('gives the seeded users the ids written in store.ts, the same on every start', async () => {
    const seeded = (await seededUsers()).slice(0, SEEDED_USERS.length)
    expect(seeded.map((user) => user.id)).toEqual(SEEDED_USERS.map((user) => user.id))
  })

  it('answers a field of a user named by e-mail as plain text, nothing around it', async () => {
    const alice = (await seededUsers()).find((user) => user.email === 'alice@example.com')
    for (const [field, value] of [
      ['id_token', alice?.id_token],
      ['access_token', alice?.access_token],
      ['id', alice?.id],
    ] as const) {
      expect(await text(`alice@example.com/${field}`)).toEqual({
        status: 200,
        type: expect.stringMatching(/^text\/plain/),
        body: value,
      })
    }
  })

  it('names a user by id, e-mail (its + and @ as typed or encoded) or sign-in ID', async () => {
    const [, bob, carol] = await seededUsers()
    expect((await text('bob+mfa@example.com/id')).body).toBe(bob?.id)
    expect((await text('bob%2Bmfa%40example.com/id')).body).toBe(bob?.id)
    expect((await text('carol_signin/id')).body).toBe(carol?.id)
    expect((await text(`${carol?.id}/id`)).body).toBe(carol?.id)
    const res = await fetch(`${EMULATOR}/_emulator/users/carol_signin`)
    expect(await res.json()).toMatchObject({ id: carol?.id, sign_in_id: 'carol_signin', email: '' })
  })

  it('answers 404 with a JSON error for a user or a field it does not know, inherited names included', async () => {
    for (const path of ['nobody@example.com/id_token', 'nobody@example.com', 'alice@example.com/password']) {
      const res = await fetch(`${EMULATOR}/_emulator/users/${path}`)
      expect(res.status).toBe(404)
      expect(await res.json()).toEqual({ error: expect.any(String) })
    }
    for (const field of ['constructor', '__proto__', 'toString']) {
      expect((await text(`alice@example.com/${field}`)).status).toBe(404)
    }
  })
})
