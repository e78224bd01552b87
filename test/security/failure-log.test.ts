/**
 * Threat: SaaSus echoes a token or a code in the message of a refusal, and the
 * API writes it to its log, where everyone who reads logs can take it. What an
 * operator sees of a failed SaaSus call is one line naming the operation, the
 * status, SaaSus's `type` and message (bounded, with tokens and digit runs
 * redacted), the rule that decided, and SaaSus's trace id to quote to support.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { call, currentCode, freshUser, setup, verify, withAccessToken, wrongCode } from '../support/harness'
import { newTrace } from '../support/trace'

interface LogLine {
  level: string
  event: string
  [key: string]: unknown
}

function captureLogs(): LogLine[] {
  const lines: LogLine[] = []
  for (const method of ['log', 'warn', 'error'] as const) {
    vi.spyOn(console, method).mockImplementation((text: string) => {
      if (typeof text === 'string' && text.startsWith('{')) lines.push(JSON.parse(text))
    })
  }
  return lines
}

const failures = (lines: LogLine[]) => lines.filter((line) => line.event.startsWith('saasus_'))

afterEach(() => {
  vi.restoreAllMocks()
})

describe('a failed SaaSus call', () => {
  it('a wrong code logs one info line with the operation, status, words, rule and trace id', async () => {
    const user = await freshUser()
    const secret = await setup(user)
    const traceId = await newTrace({ dialect: 'generic-500' })
    const lines = captureLogs()
    await verify(user, wrongCode(secret), { 'X-SaaSus-Trace-Id': traceId })
    expect(failures(lines)).toEqual([
      {
        level: 'info',
        event: 'saasus_call_failed',
        operation: 'UpdateSoftwareToken',
        verdict: 'rejected',
        refusal: 'wrong_code',
        rule: 'words:wrong_code',
        status: 500,
        type: 'internal_server_error',
        message: 'Code mismatch and fail enable Software Token MFA',
        saasusTraceId: traceId,
      },
    ])
  })

  it('an outage logs a warning with the rule that found nothing', async () => {
    const traceId = await newTrace({ dialect: { id_token: { status: 500, body: { type: 'x', message: 'y' } } } })
    const lines = captureLogs()
    const res = await call('/mfa_status', {
      headers: { Authorization: 'Bearer unknown-token', 'X-SaaSus-Trace-Id': traceId },
    })
    expect(res.status).toBe(502)
    expect(failures(lines).at(-1)).toMatchObject({
      level: 'warn',
      operation: 'GetUserInfo',
      verdict: 'unavailable',
      rule: 'unrecognised',
      status: 500,
    })
  })

  it('never logs a token or a code that SaaSus echoed in its message', async () => {
    const user = await freshUser()
    const secret = await setup(user)
    const code = currentCode(secret)
    const echo = `Invalid code ${code} for ${user.id_token} with ${user.access_token}`
    const traceId = await newTrace({
      dialect: { access_token: { status: 500, body: { type: user.access_token, message: echo } } },
    })
    const lines = captureLogs()
    const other = await freshUser()
    await call('/mfa_setup', {
      headers: { ...withAccessToken(user), 'X-Access-Token': other.access_token, 'X-SaaSus-Trace-Id': traceId },
    })
    const text = JSON.stringify(failures(lines))
    expect(failures(lines)).toHaveLength(1)
    for (const secretValue of [code, user.id_token, user.access_token]) expect(text).not.toContain(secretValue)
    expect(text).toContain('[jwt]')
  })

  it('bounds the message at 200 characters', async () => {
    const traceId = await newTrace({
      dialect: { id_token: { status: 401, body: { type: 'unauthorized', message: 'word '.repeat(400) } } },
    })
    const lines = captureLogs()
    await call('/mfa_status', { headers: { Authorization: 'Bearer unknown-token', 'X-SaaSus-Trace-Id': traceId } })
    const message = failures(lines).at(-1)?.message
    expect(typeof message === 'string' && message.length).toBe(200)
  })
})
