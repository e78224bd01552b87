/** SAASUSSIGV1, the signature on every SaaSus call, against the vectors published with the Go SDK. */
import { describe, expect, it } from 'vitest'
import { authorizationHeader, parseAuthorization, signature, signingMinute } from '../../src/saasus/signature'

const AT = new Date(Date.UTC(2021, 8, 1, 12, 34, 56))
const CREDENTIALS = { saasId: 'saasID', apiKey: 'apiKey', secretKey: 'secret' }
const URL_ = 'https://api.saasus.io/v1/auth/userinfo'

describe('SAASUSSIGV1', () => {
  it('signs at minute resolution in UTC', () => {
    expect(signingMinute(AT)).toBe('202109011234')
  })

  it('reproduces the Go SDK vector for a GET without a body', async () => {
    expect(await signature(CREDENTIALS, { method: 'GET', url: URL_ }, AT)).toBe(
      'a041e74fb58621f9e2e25453573b6009a93f457a33df970a7d8a5637a593708b',
    )
  })

  it('reproduces the Go SDK vector for a POST with a body', async () => {
    expect(await signature(CREDENTIALS, { method: 'POST', url: URL_, body: 'hello world' }, AT)).toBe(
      'a23ee22c670a2e7756a7bad8bc2847196783e1e2576b0d999f6d1b6ccbf5e3fa',
    )
  })

  it('signs the method in upper case', async () => {
    expect(await signature(CREDENTIALS, { method: 'get', url: URL_ }, AT)).toBe(
      await signature(CREDENTIALS, { method: 'GET', url: URL_ }, AT),
    )
  })

  it('signs host, port, path and query but not the scheme', async () => {
    const https = await signature(CREDENTIALS, { method: 'GET', url: 'https://h:8788/p?q=1' }, AT)
    expect(await signature(CREDENTIALS, { method: 'GET', url: 'http://h:8788/p?q=1' }, AT)).toBe(https)
    expect(await signature(CREDENTIALS, { method: 'GET', url: 'https://h:8788/p?q=2' }, AT)).not.toBe(https)
    expect(await signature(CREDENTIALS, { method: 'GET', url: 'https://h:8789/p?q=1' }, AT)).not.toBe(https)
  })

  it('changes with the minute', async () => {
    const next = new Date(AT.getTime() + 60_000)
    expect(await signature(CREDENTIALS, { method: 'GET', url: URL_ }, next)).not.toBe(
      await signature(CREDENTIALS, { method: 'GET', url: URL_ }, AT),
    )
  })

  it('builds the Authorization header the SDKs send', async () => {
    expect(await authorizationHeader(CREDENTIALS, { method: 'GET', url: URL_ }, AT)).toBe(
      'SAASUSSIGV1 Sig=a041e74fb58621f9e2e25453573b6009a93f457a33df970a7d8a5637a593708b, SaaSID=saasID, APIKey=apiKey',
    )
  })

  it('parses its own header back and refuses anything else', async () => {
    const header = await authorizationHeader(CREDENTIALS, { method: 'GET', url: URL_ }, AT)
    expect(parseAuthorization(header)).toEqual({
      sig: 'a041e74fb58621f9e2e25453573b6009a93f457a33df970a7d8a5637a593708b',
      saasId: 'saasID',
      apiKey: 'apiKey',
    })
    expect(parseAuthorization('Bearer abc')).toBeNull()
    expect(parseAuthorization(undefined)).toBeNull()
  })
})
