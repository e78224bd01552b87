/**
 * `400 invalid_request` names the field at fault and what is wrong with it, so
 * the SPA's developer knows what to fix; the code stays the one clients switch on.
 */
import { describe, expect, it } from 'vitest'
import { call, codeOf, freshUser, SPA_ORIGIN, withAccessToken } from '../support/harness'
import { XHR } from '../support/sign-in'

const user = await freshUser()

function verifyWith(body: string) {
  return call('/mfa_verify', {
    method: 'POST',
    headers: { ...withAccessToken(user), 'Content-Type': 'application/json', Origin: SPA_ORIGIN },
    body,
  })
}

describe('400 invalid_request', () => {
  it.each([
    ['{"verification_code":"12"}', 'verification_code must be six digits'],
    ['{"verification_code":"12345a"}', 'verification_code must be six digits'],
    ['{"verification_code":123456}', 'verification_code must be a string'],
    ['{}', 'verification_code is required'],
    ['[]', 'body must be a JSON object'],
  ])('%s → "%s"', async (body, message) => {
    const res = await verifyWith(body)
    expect(res.status).toBe(400)
    const field = message.split(' ')[0]
    expect(await res.json()).toEqual({ error: message, code: 'invalid_request', field })
  })

  it('names the login code on /credentials when it is missing', async () => {
    const res = await call('/credentials', { headers: XHR })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ code: 'invalid_request', field: 'code' })
  })
})

describe('an empty body on /mfa_verify', () => {
  it('is 400 invalid_request naming the body', async () => {
    const res = await verifyWith('')
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ error: 'body must be a JSON object', code: 'invalid_request', field: 'body' })
  })
})

describe('the routes whose body is optional (enable, disable, recovery codes)', () => {
  const post = (path: string, body?: string) =>
    call(path, {
      method: 'POST',
      headers: { ...withAccessToken(user), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body }),
    })

  it.each(
    ['/mfa_enable', '/mfa_disable', '/mfa_recovery_codes'].flatMap((path) =>
      ['null', '"AAA"', '0', '[]', 'true'].map((body) => [path, body]),
    ),
  )('%s refuses %s as /mfa_verify does: 400 invalid_request naming the body', async (path, body) => {
    const res = await post(path, body)
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ error: 'body must be a JSON object', code: 'invalid_request', field: 'body' })
  })

  it('names a documented field of the wrong type, whether step-up is on or not', async () => {
    const res = await post('/mfa_disable', '{"verification_code":123456}')
    expect(await res.json()).toMatchObject({ code: 'invalid_request', field: 'verification_code' })
  })

  it('still takes no body, an empty one, or {} (what the sample SPA sends)', async () => {
    for (const body of [undefined, '', '{}', '{"anything":"else"}']) {
      expect((await post('/mfa_disable', body)).status, JSON.stringify(body)).toBe(200)
      // Not registered: refused for that, past the body.
      expect(await codeOf(await post('/mfa_enable', body))).toBe('mfa_not_registered')
    }
  })
})
