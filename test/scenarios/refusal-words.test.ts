/**
 * An operator whose tenant refuses in words nobody foresaw adds them with
 * SAASUS_REFUSAL_WORDS, without a code change; and SaaSus's own attempt limit
 * and throttling are never read as a wrong code. The emulator answers in a
 * table of words chosen here, per trace id.
 */
import { describe, expect, it } from 'vitest'
import { problemsOf, secrets } from './support/config'
import { apiWith, newUser, setup, tracedFaults, withAccessToken, wrongCode } from './support/harness'

const UNFORESEEN = { status: 500, body: { type: 'internal_server_error', message: 'OTP rejected (E42)' } }

async function verifyIn(
  wrongCodeAnswer: { status: number; body: Record<string, unknown> },
  api = apiWith({}),
): Promise<Response> {
  const user = await newUser()
  const secret = await setup(user)
  const traceId = await tracedFaults({ dialect: { wrong_code: wrongCodeAnswer } })
  return api('/mfa_verify', {
    method: 'POST',
    headers: { ...withAccessToken(user), 'Content-Type': 'application/json', 'X-SaaSus-Trace-Id': traceId },
    body: JSON.stringify({ verification_code: wrongCode(secret) }),
  })
}

const codeOf = async (res: Response) => ((await res.json()) as { code: string }).code

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
    expect(res.status).toBe(502)
  })

  it('is validated like every other setting, naming what is wrong', () => {
    const problems = (value: string) => problemsOf({ ...secrets, SAASUS_REFUSAL_WORDS: value }).join('; ')
    expect(problems('{"software_token":{"wrong_code":["otp rejected"]}}')).toBe('')
    expect(problems('not json')).toMatch(/^SAASUS_REFUSAL_WORDS: must be JSON/)
    expect(problems('{"verify":{"wrong_code":["x y z"]}}')).toMatch(/SAASUS_REFUSAL_WORDS: "verify" is not one of/)
    expect(problems('{"mfa_preference":{"wrong_code":["abc"]}}')).toMatch(/cannot end in "wrong_code"/)
    expect(problems('{"software_token":{"wrong_code":["ab"]}}')).toMatch(/words of 3 to 100 characters/)
    expect(problems('{"software_token":{"wrong_code":"abc"}}')).toMatch(/must be a list/)
    expect(problems('[]')).toMatch(/must be a JSON object/)
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
