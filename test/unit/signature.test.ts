/** SAASUSSIGV1, the signature on every SaaSus call, against the vectors published with the Go SDK. */
import { describe, expect, it } from 'vitest'
import { authorizationHeader, parseAuthorization, signature, signingMinute } from '../../src/core/saasus/signature'

const AT = new Date(Date.UTC(2021, 8, 1, 12, 34, 56))
const CREDENTIALS = { saasId: 'saasID', apiKey: 'apiKey', secretKey: 'secret' }
const URL_ = 'https://api.saasus.io/v1/auth/userinfo'

/** HMAC-SHA256 in hex, computed here from scratch: no cached key. */
async function hmacHex(secret: string, message: string): Promise<string> {
  const encoder = new TextEncoder()
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ])
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(message)))
  return Array.from(mac, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

describe('SAASUSSIGV1', () => {
  it('signs at minute resolution in UTC', () => {
    expect(signingMinute(AT)).toBe('202109011234')
  })

  it('formats each minute anew, in either direction, though it keeps the last one', () => {
    expect(signingMinute(new Date(Date.UTC(2021, 8, 1, 12, 34, 0)))).toBe('202109011234')
    expect(signingMinute(new Date(Date.UTC(2021, 8, 1, 12, 35, 0)))).toBe('202109011235')
    expect(signingMinute(new Date(Date.UTC(2021, 8, 1, 12, 34, 59, 999)))).toBe('202109011234')
    expect(signingMinute(new Date(Date.UTC(2030, 0, 1, 0, 0, 1)))).toBe('203001010000')
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

  it('signs with the secret it is given, also after signing with another (a rotated secret)', async () => {
    const before = await signature(CREDENTIALS, { method: 'GET', url: URL_ }, AT)
    const rotated = await signature({ ...CREDENTIALS, secretKey: 'rotated' }, { method: 'GET', url: URL_ }, AT)
    expect(rotated).not.toBe(before)
    expect(rotated).toBe(await hmacHex('rotated', `202109011234apiKeyGETapi.saasus.io/v1/auth/userinfo`))
    expect(await signature(CREDENTIALS, { method: 'GET', url: URL_ }, AT)).toBe(before)
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
