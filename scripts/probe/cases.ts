/**
 * The refusals the probe provokes, one function per case, each from the calls
 * the API itself makes. None of them can leave the test user changed: a wrong
 * code registers nothing, a minted secret replaces no verified authenticator
 * (Cognito drops the old one only when a new one is verified), and enabling MFA
 * is tried only while it is off, and undone at once if SaaSus allows it.
 */
import { SAASUS_CALLS } from '../../src/core/saasus/calls.ts'
import type { FailedCall } from '../../src/core/saasus/failure.ts'
import type { SigningCredentials } from '../../src/core/saasus/signature.ts'
import { mfaPreferenceSchema, secretCodeSchema } from '../../src/core/saasus/types.ts'
import { type Answer, answered, type Outcome, type ProbeRequest } from './call.ts'
import { codeNotAccepted, madeUpAccessToken, randomOpaque } from './made-up.ts'
import { type Expected, matches, type ProbeCase, type ProbeResult, refusedAs } from './result.ts'

/** The test user's tokens, and the optional extras that make two cases closer to life. */
export interface ProbeInput {
  idToken: string
  accessToken: string
  /** An access token SaaSus revoked (the user's, after signing out); else a made-up one is sent. */
  revokedAccessToken?: string
  /** A fresh one-time login code (valid 10 s), spent twice; else an unknown code is sent. */
  loginCode?: string
}

/** A call made, as the report records it and as SaaSus answered it. */
export interface Step {
  row: ProbeResult
  outcome: Outcome
}

/** What every case gets: the user's tokens and path, and the one way to make a call. */
export interface CaseContext {
  input: ProbeInput
  /** `/users/{user_id}` of the test user. */
  userPath: string
  /** Makes one call and judges its outcome against the expected one. */
  step(
    probeCase: ProbeCase,
    call: FailedCall,
    request: ProbeRequest,
    expected: Expected,
    credentials?: SigningCredentials,
  ): Promise<Step>
}

/** The rows a case adds to the report, and SaaSus's refusal, if it refused, for the dialect. */
export interface CaseReport {
  rows: ProbeResult[]
  refusal?: Answer
}

const note = (row: ProbeResult, text: string): ProbeResult => ({
  ...row,
  note: row.note ? `${text}; ${row.note}` : text,
})
const refusalOf = ({ row, outcome }: Step) => (answered(outcome) && row.verdict !== 'success' ? outcome : undefined)
const jsonOf = ({ outcome }: Step) => (answered(outcome) ? outcome.json : undefined)

/** A login code refused: the given one spent twice, or else an unknown one. */
export async function loginCode(ctx: CaseContext): Promise<CaseReport> {
  const expected = refusedAs('login_code_refused')
  const byCode = (code: string): ProbeRequest => ({
    method: 'GET',
    path: '/credentials',
    query: { code, 'auth-flow': 'tempCodeAuth' },
  })
  const send = (code: string, wanted: Expected) =>
    ctx.step('login_code', SAASUS_CALLS.getCredentialsByCode, byCode(code), wanted)
  const code = ctx.input.loginCode
  if (!code) {
    const unknown = await send(crypto.randomUUID(), expected)
    return { rows: [note(unknown.row, 'an unknown code (no login code was given)')], refusal: refusalOf(unknown) }
  }
  // The tokens a first use returns are never read, only its status.
  const first = await send(code, 'success')
  if (first.row.verdict !== 'success') {
    const refused = { ...first.row, expected, ok: matches(first.row.verdict, expected) }
    return {
      rows: [note(refused, 'refused at its first use: expired (10 s) or already used')],
      refusal: refusalOf(first),
    }
  }
  const again = await send(code, expected)
  return { rows: [note(again.row, `spent once (${first.row.status}), then sent again`)], refusal: refusalOf(again) }
}

/** A verification code refused: a secret minted, then a code it does not give now. */
export async function wrongCode(ctx: CaseContext): Promise<CaseReport> {
  const path = `${ctx.userPath}/mfa/software-token`
  const { accessToken } = ctx.input
  const minted = await ctx.step(
    'wrong_code',
    SAASUS_CALLS.createSecretCode,
    { method: 'POST', path: `${path}/secret-code`, body: { access_token: accessToken } },
    'success',
  )
  if (!minted.row.ok) return { rows: [note(minted.row, 'no secret, so no code was sent')] }
  const secret = secretCodeSchema.safeParse(jsonOf(minted))
  const code = secret.success ? codeNotAccepted(secret.data.secret_code) : undefined
  if (!code) return { rows: [{ ...note(minted.row, 'the answer holds no usable base32 secret_code'), ok: false }] }
  const refused = await ctx.step(
    'wrong_code',
    SAASUS_CALLS.updateSoftwareToken,
    { method: 'PUT', path, body: { access_token: accessToken, verification_code: code } },
    refusedAs('wrong_code'),
  )
  return { rows: [refused.row], refusal: refusalOf(refused) }
}

/** Enabling MFA refused before an authenticator is verified: tried only while MFA is off. */
export async function notRegistered(ctx: CaseContext): Promise<CaseReport> {
  const path = `${ctx.userPath}/mfa/preference`
  const read = await ctx.step('not_registered', SAASUS_CALLS.getMfaPreference, { method: 'GET', path }, 'success')
  const preference = mfaPreferenceSchema.safeParse(jsonOf(read))
  if (!read.row.ok || !preference.success) {
    return { rows: [{ ...note(read.row, 'the preference could not be read, so enabling was not tried'), ok: false }] }
  }
  const { operation } = SAASUS_CALLS.updateMfaPreference
  const expected = refusedAs('not_registered')
  if (preference.data.enabled) {
    const text = 'skipped: MFA is on for this user, and the probe never changes such a user; use a fresh test user'
    return {
      rows: [{ case: 'not_registered', operation, method: 'PATCH', provoked: false, expected, ok: false, note: text }],
    }
  }
  const patch = (enabled: boolean, wanted: Expected) =>
    ctx.step(
      'not_registered',
      SAASUS_CALLS.updateMfaPreference,
      {
        method: 'PATCH',
        path,
        body: { enabled, method: 'softwareToken' },
      },
      wanted,
    )
  const enable = await patch(true, expected)
  if (enable.row.verdict !== 'success') return { rows: [enable.row], refusal: refusalOf(enable) }

  // SaaSus enabled it: the user had a verified authenticator. Put it back as it was, now.
  const undo = await patch(false, 'success')
  const row = { ...enable.row, provoked: false, ok: false }
  if (undo.row.ok) {
    return {
      rows: [
        note(row, 'not provoked: this user has an authenticator (MFA was turned back off); use a fresh test user'),
      ],
    }
  }
  return {
    rows: [
      note(row, 'not provoked: this user has an authenticator'),
      note(undo.row, 'MFA IS STILL ON for this user: turn it off in the SaaSus console'),
    ],
  }
}

/** An access token refused: the revoked one given, or else a made-up one. */
export async function accessToken(ctx: CaseContext): Promise<CaseReport> {
  const revoked = ctx.input.revokedAccessToken
  const refused = await ctx.step(
    'access_token',
    SAASUS_CALLS.createSecretCode,
    {
      method: 'POST',
      path: `${ctx.userPath}/mfa/software-token/secret-code`,
      body: { access_token: revoked ?? madeUpAccessToken() },
    },
    refusedAs('access_token_refused'),
  )
  const text = revoked
    ? 'with the revoked access token given'
    : 'with a made-up JWT-shaped token (no revoked one was given)'
  return { rows: [note(refused.row, text)], refusal: refusalOf(refused) }
}

/** A refresh token refused: a made-up one. */
export async function refreshToken(ctx: CaseContext): Promise<CaseReport> {
  const refused = await ctx.step(
    'refresh_token',
    SAASUS_CALLS.getCredentialsByRefreshToken,
    {
      method: 'GET',
      path: '/credentials',
      query: { 'auth-flow': 'refreshTokenAuth', 'refresh-token': randomOpaque(48) },
    },
    refusedAs('refresh_token_refused'),
  )
  return { rows: [note(refused.row, 'a made-up refresh token')], refusal: refusalOf(refused) }
}

/** Our own credentials refused: two calls that carry no user refusal, signed with a wrong secret key. */
export async function signature(
  ctx: CaseContext,
  identity: Omit<SigningCredentials, 'secretKey'>,
): Promise<CaseReport> {
  const wrong = { ...identity, secretKey: randomOpaque(24) }
  const expected = refusedAs('credentials_refused')
  const query = { token: ctx.input.idToken }
  const userinfo = await ctx.step(
    'signature',
    SAASUS_CALLS.getUserInfo,
    { method: 'GET', path: '/userinfo', query },
    expected,
    wrong,
  )
  const preference = await ctx.step(
    'signature',
    SAASUS_CALLS.getMfaPreference,
    { method: 'GET', path: `${ctx.userPath}/mfa/preference` },
    expected,
    wrong,
  )
  const text = 'signed with a wrong secret key'
  return { rows: [note(userinfo.row, text), note(preference.row, text)], refusal: refusalOf(userinfo) }
}
