/**
 * How SaaSus failures are classified, rule by rule (src/core/saasus/failure.ts and the
 * words in src/core/saasus/refusals.ts). SaaSus documents only `500 Error` for the MFA
 * calls, so each rule is tried with every plausible form of the same refusal:
 * the emulator's words, Cognito's message under a generic 500, and Cognito's
 * exception name as `type` with 400 or 401.
 */
import { describe, expect, it } from 'vitest'
import { SAASUS_CALLS } from '../../src/core/saasus/calls'
import { classifyResponse, type FailedCall, failureInSuccess } from '../../src/core/saasus/failure'
import type { RefusalWords } from '../../src/core/saasus/refusals'

const CALLS = {
  userinfo: SAASUS_CALLS.getUserInfo,
  preferenceRead: SAASUS_CALLS.getMfaPreference,
  preference: SAASUS_CALLS.updateMfaPreference,
  secretCode: SAASUS_CALLS.createSecretCode,
  softwareToken: SAASUS_CALLS.updateSoftwareToken,
  loginCode: SAASUS_CALLS.getCredentialsByCode,
  refresh: SAASUS_CALLS.getCredentialsByRefreshToken,
}

const body = (type: string, message: string) => JSON.stringify({ type, message })
const generic = (message: string) => body('internal_server_error', message)
const classify = (call: FailedCall, status: number, text: string, words?: RefusalWords) =>
  classifyResponse(call, status, text, words)
const verdictOf = (call: FailedCall, status: number, text: string, words?: RefusalWords) => {
  const { kind, detail } = classify(call, status, text, words)
  return { kind, refusal: detail.refusal }
}

describe('a wrong verification code', () => {
  it.each([
    ['the emulator: 500 code_mismatch', 500, body('code_mismatch', 'Invalid code received for user')],
    ['a generic 500 with Cognito message', 500, generic('Code mismatch and fail enable Software Token MFA')],
    ['a generic 500 with another message', 500, generic('Invalid code received for user')],
    ['400 CodeMismatchException', 400, body('CodeMismatchException', 'Invalid code received for user')],
    ['400 EnableSoftwareTokenMFAException', 400, body('EnableSoftwareTokenMFAException', 'Code mismatch')],
    ['401 CodeMismatchException', 401, body('CodeMismatchException', 'Invalid code received for user')],
    ['an unworded 400', 400, ''],
    ['verify before any secret', 400, body('SoftwareTokenMFANotFoundException', 'Software Token MFA not found')],
    ['verify before any secret, generic', 500, generic('Software Token MFA has not been enabled by the user')],
  ])('is a wrong code in %s', (_, status, text) => {
    expect(verdictOf(CALLS.softwareToken, status, text)).toEqual({ kind: 'rejected', refusal: 'wrong_code' })
  })

  it('is a wrong code when a 2xx says Status: ERROR', () => {
    const failure = failureInSuccess(CALLS.softwareToken, 200, { Status: 'ERROR' })
    expect(failure?.kind).toBe('rejected')
    expect(failure?.detail.refusal).toBe('wrong_code')
    expect(failureInSuccess(CALLS.softwareToken, 200, { Status: 'SUCCESS' })).toBeUndefined()
    expect(failureInSuccess(CALLS.softwareToken, 200, {})).toBeUndefined()
  })
})

describe('a refused access token (setup and verify)', () => {
  it.each([
    ['the emulator: 500 invalid_access_token', 500, body('invalid_access_token', 'Access token is not valid')],
    ['a generic 500: expired', 500, generic('Access Token has expired')],
    ['a generic 500: revoked', 500, generic('Access Token has been revoked')],
    ['400 NotAuthorizedException', 400, body('NotAuthorizedException', 'Invalid Access Token')],
    ['401 NotAuthorizedException', 401, body('NotAuthorizedException', 'Access Token has expired')],
    ['an unworded 401', 401, ''],
  ])('is unauthorized in %s', (_, status, text) => {
    for (const call of [CALLS.secretCode, CALLS.softwareToken]) {
      expect(verdictOf(call, status, text)).toEqual({ kind: 'unauthorized', refusal: 'access_token_refused' })
    }
  })
})

describe('enabling before an authenticator is registered', () => {
  it.each([
    ['the emulator', 500, body('software_token_not_registered', 'User has not verified software token MFA')],
    ['a generic 500', 500, generic('User has not verified software token mfa')],
    ['a generic 500, not set up', 500, generic('User has not set up software token mfa')],
    [
      '400 InvalidParameterException',
      400,
      body('InvalidParameterException', 'User has not verified software token mfa'),
    ],
    ['an unworded 400', 400, ''],
  ])('is not_registered in %s', (_, status, text) => {
    expect(verdictOf(CALLS.preference, status, text)).toEqual({ kind: 'rejected', refusal: 'not_registered' })
  })
})

describe('a refused ID token (/userinfo)', () => {
  it.each([
    ['an unworded 401', 401, ''],
    ['the emulator: 401 invalid_id_token', 401, body('invalid_id_token', 'ID token is not valid or has expired')],
    ['a generic 500', 500, generic('Invalid Id Token')],
    ['400 NotAuthorizedException', 400, body('NotAuthorizedException', 'Token is expired')],
    ['401 unauthorized', 401, body('unauthorized', 'Unauthorized')],
  ])('is unauthorized in %s', (_, status, text) => {
    expect(verdictOf(CALLS.userinfo, status, text)).toEqual({ kind: 'unauthorized', refusal: 'id_token_refused' })
  })
})

describe('/credentials', () => {
  it.each([
    ['the documented 404', 404, body('not_found', 'No such temporary code')],
    ['a generic 500', 500, generic('temporary code not found')],
    ['a generic 500: used', 500, generic('The code has already been used')],
    ['an unworded 400', 400, ''],
  ])('refuses a login code in %s', (_, status, text) => {
    expect(verdictOf(CALLS.loginCode, status, text)).toEqual({ kind: 'rejected', refusal: 'login_code_refused' })
  })

  it.each([
    ['the emulator: 500 invalid_refresh_token', 500, body('invalid_refresh_token', 'Invalid Refresh Token')],
    ['a generic 500', 500, generic('Refresh Token has been revoked')],
    ['400 NotAuthorizedException', 400, body('NotAuthorizedException', 'Invalid Refresh Token')],
    ['401 NotAuthorizedException', 401, body('NotAuthorizedException', 'Refresh Token has expired')],
  ])('refuses a refresh token in %s', (_, status, text) => {
    expect(verdictOf(CALLS.refresh, status, text)).toEqual({ kind: 'unauthorized', refusal: 'refresh_token_refused' })
  })
})

describe('our own SaaSus credentials refused', () => {
  const misconfigured = { kind: 'misconfigured', refusal: 'credentials_refused' }

  it('is any 401 or 403 on a call that carries no user token', () => {
    for (const call of [CALLS.preferenceRead, CALLS.preference, CALLS.loginCode, CALLS.refresh]) {
      for (const status of [401, 403]) expect(verdictOf(call, status, '')).toEqual(misconfigured)
      expect(verdictOf(call, 401, body('unauthorized', 'Unauthorized'))).toEqual(misconfigured)
    }
  })

  it.each([
    ['invalid_signature', 401, body('invalid_signature', 'Signature does not match')],
    ['a signature mismatch', 401, body('unauthorized', 'Signature mismatch')],
    ['SAASUSSIGV1', 401, body('unauthorized', 'SAASUSSIGV1 signature does not match')],
    ['ip_restricted', 403, body('ip_restricted', 'Access from this IP address is restricted')],
    ['permission_denied', 401, body('permission_denied', 'The API key is not valid for this SaaS ID')],
    ['an API key', 403, body('forbidden', 'Invalid API key')],
    ['a SaaS ID', 401, body('unauthorized', 'Unknown SaaS ID')],
    ['ip_restricted as a 500', 500, body('ip_restricted', 'restricted')],
  ])('is %s, even on /userinfo and the token-carrying calls', (_, status, text) => {
    for (const call of Object.values(CALLS)) expect(verdictOf(call, status, text)).toEqual(misconfigured)
  })

  it('names the setting most likely at fault', () => {
    const cause = (text: string) => classify(CALLS.userinfo, 401, text).detail.likelyCause
    expect(cause(body('invalid_signature', 'bad'))).toMatch(/SAASUS_SECRET_KEY/)
    expect(cause(body('ip_restricted', 'no'))).toMatch(/IP restriction/)
    expect(cause(body('unauthorized', 'Invalid API key'))).toMatch(/SAASUS_API_KEY/)
    expect(cause(body('unauthorized', 'Unknown SaaS ID'))).toMatch(/SAASUS_SAAS_ID/)
  })
})

describe('throttling', () => {
  it.each([
    ['429', 429, ''],
    ['TooManyRequestsException as 400', 400, body('TooManyRequestsException', 'Too many requests')],
    ['a generic 500 saying so', 500, generic('Rate exceeded')],
    ['LimitExceeded where no attempt limit applies', 400, body('LimitExceededException', 'Limit exceeded')],
  ])('is an outage, never a refusal, in %s', (_, status, text) => {
    for (const call of [CALLS.userinfo, CALLS.preference, CALLS.loginCode]) {
      expect(verdictOf(call, status, text)).toEqual({ kind: 'unavailable', refusal: 'overloaded' })
    }
  })

  it('is never a wrong code, even when the message mentions a code', () => {
    const text = body('TooManyRequestsException', 'Too many requests: invalid code attempts')
    expect(verdictOf(CALLS.softwareToken, 400, text)).toEqual({ kind: 'unavailable', refusal: 'overloaded' })
  })

  it("is the user's attempt limit on the software-token calls (LimitExceededException)", () => {
    const text = body('LimitExceededException', 'Attempt limit exceeded, please try after some time.')
    for (const call of [CALLS.softwareToken, CALLS.secretCode]) {
      expect(verdictOf(call, 400, text)).toEqual({ kind: 'throttled', refusal: 'attempts_exceeded' })
      expect(verdictOf(call, 500, generic('Attempt limit exceeded'))).toEqual({
        kind: 'throttled',
        refusal: 'attempts_exceeded',
      })
    }
  })
})

describe('an outage', () => {
  it.each([
    ['a 500 internal_server_error nothing recognises', 500, generic('Internal Server Error')],
    ['a 500 with an unknown type', 500, body('something_new', 'we changed our words')],
    ['a 500 without an Error body', 500, '<html>Bad gateway</html>'],
    ['a 500 with no type', 500, JSON.stringify({ message: 'no type' })],
    ['an empty 500', 500, ''],
    ['a 502 with words of a wrong code', 502, body('CodeMismatchException', 'Invalid code')],
    ['a 503', 503, ''],
    ['a 504', 504, ''],
  ])('is %s', (_, status, text) => {
    for (const call of Object.values(CALLS)) expect(classify(call, status, text).kind).toBe('unavailable')
  })
})

describe("an operator's words (SAASUS_REFUSAL_WORDS)", () => {
  const words: RefusalWords = { software_token: { wrong_code: ['totp rejected'] }, userinfo: { overloaded: ['busy'] } }

  it('turn an outage into the refusal they name, on their call only', () => {
    const text = generic('TOTP rejected by upstream')
    expect(verdictOf(CALLS.softwareToken, 500, text, words)).toEqual({ kind: 'rejected', refusal: 'wrong_code' })
    expect(classify(CALLS.softwareToken, 500, text, words).detail.rule).toBe('operator:wrong_code')
    expect(classify(CALLS.secretCode, 500, text, words).kind).toBe('unavailable')
    expect(classify(CALLS.softwareToken, 500, text).kind).toBe('unavailable')
  })

  it('match case-insensitively, with _ and - read as spaces', () => {
    expect(verdictOf(CALLS.softwareToken, 500, body('TOTP_REJECTED', ''), words).refusal).toBe('wrong_code')
  })

  it('come before the built-in words', () => {
    expect(verdictOf(CALLS.userinfo, 401, body('unauthorized', 'Server busy'), words).refusal).toBe('overloaded')
  })
})

describe('what a verdict keeps', () => {
  it('keeps the status, the type, a redacted message and the rule; nothing reaches the error message', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'
    const failure = classifyResponse(
      CALLS.softwareToken,
      500,
      body('code_mismatch', `Invalid code 123456 received for user with ${jwt}`),
      {},
      'trace-1',
    )
    expect(failure.detail).toMatchObject({
      status: 500,
      upstreamType: 'code_mismatch',
      upstreamMessage: 'Invalid code [digits] received for user with [jwt]',
      rule: 'words:wrong_code',
      traceId: 'trace-1',
    })
    expect(failure.message).not.toContain('Invalid code')
  })

  it('bounds the message at 200 characters', () => {
    const failure = classifyResponse(CALLS.softwareToken, 500, generic('x '.repeat(500)))
    expect(failure.detail.upstreamMessage?.length).toBeLessThanOrEqual(200)
  })
})
