/**
 * `npm run probe:saasus` against the emulator. In every dialect a user can be
 * refused in, the probe provokes each refusal and the classifier gives each the
 * expected verdict; the dialect it writes replays the same verdicts; it stops at
 * once when our credentials are refused; and it never leaves a test user changed.
 *
 * The emulator revokes no tokens: another user's access token stands in for a
 * revoked one (SaaSus refuses both as not this user's valid token).
 */
import { env } from 'cloudflare:workers'
import { TOTP } from 'otpauth'
import { describe, expect, it } from 'vitest'
import { CREDENTIAL_DIALECTS, REFUSAL_DIALECTS } from '../../emulator/src/dialects'
import { codeNotAccepted } from '../../scripts/probe/made-up'
import { type ProbeReport, probeSaasus } from '../../scripts/probe/probe'
import { configFor } from '../../src/core/config'
import {
  bearer,
  call,
  currentCode,
  EMULATOR,
  freshUser,
  mfaState,
  setup,
  type TestUser,
  verify,
} from '../support/harness'
import { loginCode } from '../support/sign-in'
import { newTrace, saasusCalls } from '../support/trace'

const saasus = configFor(env).saasus

interface Probed {
  report: ProbeReport
  user: TestUser
  /** Every token and code the probe was given. */
  given: string[]
}

/** Probes as an operator would, with a fresh login code and a "revoked" access token, under a trace id. */
async function probe(traceId: string, user?: TestUser): Promise<Probed> {
  const subject = user ?? (await freshUser())
  const revokedAccessToken = (await freshUser()).access_token
  const code = await loginCode(subject.id)
  const report = await probeSaasus({
    saasus,
    idToken: subject.id_token,
    accessToken: subject.access_token,
    revokedAccessToken,
    loginCode: code,
    headers: { 'X-SaaSus-Trace-Id': traceId },
  })
  return { report, user: subject, given: [subject.id_token, subject.access_token, revokedAccessToken, code] }
}

const verdicts = (report: ProbeReport) => report.results.map((row) => [row.case, row.operation, row.verdict])

/** The Auth API calls the emulator served under a trace id, by operation. */
const callsUnder = async (traceId: string) => (await saasusCalls(traceId)).byOperation

describe.each(REFUSAL_DIALECTS)('in the %s dialect', (dialect) => {
  it('provokes every refusal, and each gets the expected verdict', async () => {
    const traceId = await newTrace({ dialect })
    const { report } = await probe(traceId)
    expect(report.stopped).toBeUndefined()
    expect(report.results.map((row) => [row.case, row.operation, row.ok])).toEqual([
      ['userinfo', 'GetUserInfo', true],
      ['login_code', 'GetAuthCredentials', true],
      ['wrong_code', 'UpdateSoftwareToken', true],
      ['not_registered', 'UpdateUserMfaPreference', true],
      ['access_token', 'CreateSecretCode', true],
      ['refresh_token', 'GetAuthCredentials', true],
      ['signature', 'GetUserInfo', true],
      ['signature', 'GetUserMfaPreference', true],
    ])
    expect(await callsUnder(traceId)).toEqual({
      'GET /v1/auth/userinfo': 2,
      'GET /v1/auth/credentials': 3,
      'POST /v1/auth/users/{user_id}/mfa/software-token/secret-code': 2,
      'PUT /v1/auth/users/{user_id}/mfa/software-token': 1,
      'GET /v1/auth/users/{user_id}/mfa/preference': 2,
      'PATCH /v1/auth/users/{user_id}/mfa/preference': 1,
    })
  })

  it('writes a dialect that, loaded into the emulator as the whole file, gets the same verdicts', async () => {
    const { report } = await probe(await newTrace({ dialect }))
    expect(Object.keys(report.dialect).sort()).toEqual([
      'access_token',
      'login_code',
      'not_registered',
      'refresh_token',
      'signature',
      'wrong_code',
    ])
    const replay = `probe-replay-${crypto.randomUUID()}`
    const loaded = await fetch(`${EMULATOR}/_emulator/faults?traceId=${replay}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(report, null, 2),
    })
    expect(loaded.status).toBe(200)
    expect(verdicts((await probe(replay)).report)).toEqual(verdicts(report))
  })
})

describe('what the report holds', () => {
  it('no token, login code, user id or secret key, in the rows or in the dialect', async () => {
    const { report, user, given } = await probe(await newTrace({ dialect: 'emulator' }))
    const text = JSON.stringify(report)
    for (const secret of [...given, user.id, saasus.secretKey]) expect(text).not.toContain(secret)
  })

  it("SaaSus's status, type and message beside the verdict and the expected one", async () => {
    const { report } = await probe(await newTrace({ dialect: 'cognito-400' }))
    expect(report.results.find((row) => row.case === 'wrong_code')).toMatchObject({
      method: 'PUT',
      status: 400,
      type: 'CodeMismatchException',
      message: 'Invalid code received for user',
      bodyKeys: ['type', 'message'],
      verdict: { kind: 'rejected', refusal: 'wrong_code', rule: 'words:wrong_code' },
      expected: { kind: 'rejected', refusal: 'wrong_code' },
      ok: true,
    })
    expect(report.dialect.wrong_code).toEqual({
      status: 400,
      body: { type: 'CodeMismatchException', message: 'Invalid code received for user' },
    })
  })

  it("SaaSus's words redacted, in the row and however deep in the dialect", async () => {
    const words = 'Code 123456 refused for eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'
    const body = { type: 'CodeMismatchException', message: words, data: { user: [crypto.randomUUID()], attempt: 2 } }
    const { report } = await probe(await newTrace({ dialect: { wrong_code: { status: 400, body } } }))
    expect(report.results.find((row) => row.case === 'wrong_code')).toMatchObject({
      message: 'Code [digits] refused for [jwt]',
      bodyKeys: ['type', 'message', 'data'],
      ok: true,
    })
    expect(report.dialect.wrong_code?.body).toEqual({
      type: 'CodeMismatchException',
      message: 'Code [digits] refused for [jwt]',
      data: { user: ['[token]'], attempt: 2 },
    })
  })

  it('a given login code spent, then refused as spent; the given revoked access token, named as such', async () => {
    const traceId = await newTrace({ dialect: 'emulator' })
    const { report } = await probe(traceId)
    const row = (name: string) => report.results.find((result) => result.case === name)
    expect(row('login_code')?.note).toBe('spent once (200), then sent again')
    expect(row('access_token')?.note).toBe('with the revoked access token given')
    // Two uses of the login code, one made-up refresh token.
    expect(await callsUnder(traceId)).toHaveProperty(['GET /v1/auth/credentials'], 3)
  })

  it('without them, an unknown login code and a made-up access token, named as such', async () => {
    const user = await freshUser()
    const headers = { 'X-SaaSus-Trace-Id': await newTrace({ dialect: 'emulator' }) }
    const report = await probeSaasus({ saasus, idToken: user.id_token, accessToken: user.access_token, headers })
    expect(report.results.every((result) => result.ok)).toBe(true)
    const row = (name: string) => report.results.find((result) => result.case === name)
    expect(row('login_code')?.note).toBe('an unknown code (no login code was given)')
    expect(row('access_token')?.note).toBe('with a made-up JWT-shaped token (no revoked one was given)')
  })

  it('a verdict the words miss is a mismatch, and SAASUS_REFUSAL_WORDS mends it', async () => {
    const dialect = { wrong_code: { status: 500, body: { type: 'internal_server_error', message: 'TOTP rejected' } } }
    const wrongCodeRow = async (words: typeof saasus.refusalWords) => {
      const user = await freshUser()
      const report = await probeSaasus({
        saasus: { ...saasus, refusalWords: words },
        idToken: user.id_token,
        accessToken: user.access_token,
        headers: { 'X-SaaSus-Trace-Id': await newTrace({ dialect }) },
      })
      return report.results.find((row) => row.case === 'wrong_code')
    }
    expect(await wrongCodeRow({})).toMatchObject({ verdict: { kind: 'unavailable' }, ok: false })
    expect(await wrongCodeRow({ software_token: { wrong_code: ['totp rejected'] } })).toMatchObject({
      verdict: { kind: 'rejected', refusal: 'wrong_code', rule: 'operator:wrong_code' },
      ok: true,
    })
  })
})

describe.each(CREDENTIAL_DIALECTS)('when SaaSus refuses our own credentials (%s)', (dialect) => {
  it('reports /userinfo as misconfigured and makes no other call', async () => {
    const traceId = await newTrace({ dialect })
    const { report } = await probe(traceId)
    expect(report.results).toEqual([
      expect.objectContaining({
        case: 'userinfo',
        ok: false,
        verdict: expect.objectContaining({ kind: 'misconfigured', refusal: 'credentials_refused' }),
      }),
    ])
    expect(report.stopped).toMatch(/nothing else was probed/)
    expect(report.dialect).toEqual({})
    expect(await callsUnder(traceId)).toEqual({ 'GET /v1/auth/userinfo': 1 })
  })
})

describe('a test user it must not change', () => {
  it('with MFA on is skipped for not_registered, and MFA stays on', async () => {
    const user = await freshUser()
    expect((await verify(user, currentCode(await setup(user)))).status).toBe(200)
    expect((await call('/mfa_enable', { method: 'POST', headers: bearer(user) })).status).toBe(200)
    const traceId = await newTrace({ dialect: 'emulator' })

    const { report } = await probe(traceId, user)
    const row = report.results.find((result) => result.case === 'not_registered')
    expect(row).toMatchObject({ provoked: false, ok: false, note: expect.stringMatching(/^skipped: MFA is on/) })
    expect(report.dialect.not_registered).toBeUndefined()
    expect(await callsUnder(traceId)).not.toHaveProperty(['PATCH /v1/auth/users/{user_id}/mfa/preference'])
    expect(await mfaState(user.id)).toMatchObject({ enabled: true, registered: true })
  })

  it('with an authenticator but MFA off gets MFA turned back off at once, and the case is not provoked', async () => {
    const user = await freshUser()
    expect((await verify(user, currentCode(await setup(user)))).status).toBe(200)
    const traceId = await newTrace({ dialect: 'emulator' })

    const { report } = await probe(traceId, user)
    const row = report.results.find((result) => result.case === 'not_registered')
    expect(row).toMatchObject({ provoked: false, ok: false, status: 200, verdict: 'success' })
    expect(row?.note).toMatch(/this user has an authenticator .*use a fresh test user/)
    expect(await callsUnder(traceId)).toHaveProperty(['PATCH /v1/auth/users/{user_id}/mfa/preference'], 2)
    expect(await mfaState(user.id)).toMatchObject({ enabled: false })
  })
})

describe('the wrong code', () => {
  it('is none of the codes the secret gives two steps either side of now', () => {
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'
    const totp = new TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 })
    const now = Date.now()
    for (let i = 0; i < 50; i++) {
      const code = codeNotAccepted(secret, now)
      expect(code).toMatch(/^\d{6}$/)
      expect(totp.validate({ token: code ?? '', timestamp: now, window: 2 })).toBeNull()
    }
  })
})
