/**
 * An operator whose tenant refuses in words nobody foresaw adds them with
 * SAASUS_REFUSAL_WORDS, without a code change; and SaaSus's own attempt limit
 * and throttling are never read as a wrong code. The emulator answers in a
 * table of words chosen here, per trace id.
 */
import { describe, expect, it } from 'vitest'
import { apiWith, codeOf, freshUser, setup, withAccessToken, wrongCode } from '../support/harness'
import { newTrace } from '../support/trace'

const UNFORESEEN = { status: 500, body: { type: 'internal_server_error', message: 'OTP rejected (E42)' } }

async function verifyIn(
  wrongCodeAnswer: { status: number; body: Record<string, unknown> },
  api = apiWith({}),
): Promise<Response> {
  const user = await freshUser()
  const secret = await setup(user)
  const traceId = await newTrace({ dialect: { wrong_code: wrongCodeAnswer } })
  return api('/mfa_verify', {
    method: 'POST',
    headers: { ...withAccessToken(user), 'Content-Type': 'application/json', 'X-SaaSus-Trace-Id': traceId },
    body: JSON.stringify({ verification_code: wrongCode(secret) }),
  })
}

describe('SAASUS_REFUSAL_WORDS', () => {
  it('without it, words nothing recognises are an outage', async () => {
    const res = await verifyIn(UNFORESEEN)
    expect([res.status, await codeOf(res)]).toEqual([502, 'upstream_error'])
  })

  it('with the words for the call, the same answer is a wrong code', async () => {
    const api = apiWith({ SAASUS_REFUSAL_WORDS: JSON.stringify({ software_token: { wrong_code: ['otp rejected'] } }) })
    const res = await verifyIn(UNFORESEEN, api)
    expect([res.status, await codeOf(res)]).toEqual([400, 'invalid_verification_code'])
  })

  it('words for another call change nothing here', async () => {
    const api = apiWith({ SAASUS_REFUSAL_WORDS: JSON.stringify({ secret_code: { access_token_refused: ['otp'] } }) })
    const res = await verifyIn(UNFORESEEN, api)
    expect([res.status, await codeOf(res)]).toEqual([502, 'upstream_error'])
  })
})

describe("SaaSus's own limits", () => {
  it("Cognito's attempt limit on verify is 429 too_many_attempts with Retry-After, not a wrong code", async () => {
    const res = await verifyIn({
      status: 400,
      body: { type: 'LimitExceededException', message: 'Attempt limit exceeded, please try after some time.' },
    })
    expect(res.status).toBe(429)
    expect(res.headers.get('Retry-After')).toBe('60')
    expect(await codeOf(res)).toBe('too_many_attempts')
  })

  it('throttling is 503 upstream_unavailable, never a wrong code, even when it mentions a code', async () => {
    const res = await verifyIn({
      status: 400,
      body: { type: 'TooManyRequestsException', message: 'Too many requests; invalid code attempts' },
    })
    expect([res.status, await codeOf(res)]).toEqual([503, 'upstream_unavailable'])
  })
})
