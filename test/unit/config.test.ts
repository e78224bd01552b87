import { describe, expect, it } from 'vitest'
import { parseConfig } from '../src/config'
import { problemsOf, secrets } from './support/config'

describe('parseConfig', () => {
  it('applies the documented defaults when only the secrets are set', () => {
    const config = parseConfig(secrets)
    expect(config.saasus.authApiUrl).toBe('https://api.saasus.io/v1/auth')
    expect(config.mfaIssuer).toBe('SaaSusPlatform')
    expect(config.saasus.timeoutMs).toBe(5000)
    expect([...config.allowedOrigins]).toEqual([])
  })

  it('names each missing secret', () => {
    expect(problemsOf({})).toEqual([
      'SAASUS_SAAS_ID is required',
      'SAASUS_API_KEY is required',
      'SAASUS_SECRET_KEY is required',
    ])
  })

  it('treats a blank secret as missing', () => {
    expect(problemsOf({ ...secrets, SAASUS_SECRET_KEY: '   ' })).toEqual(['SAASUS_SECRET_KEY is required'])
  })

  it('rejects a SAASUS_API_URL_BASE that is not an http(s) URL, naming it', () => {
    expect(problemsOf({ ...secrets, SAASUS_API_URL_BASE: 'ftp://x' })[0]).toMatch(/^SAASUS_API_URL_BASE: /)
    expect(problemsOf({ ...secrets, SAASUS_API_URL_BASE: 'not a url' })[0]).toMatch(/^SAASUS_API_URL_BASE: /)
  })

  it('drops a trailing slash from SAASUS_API_URL_BASE', () => {
    expect(parseConfig({ ...secrets, SAASUS_API_URL_BASE: 'http://127.0.0.1:9000/' }).saasus.authApiUrl).toBe(
      'http://127.0.0.1:9000/v1/auth',
    )
  })

  it('splits ALLOWED_ORIGINS on commas and trims each origin', () => {
    const config = parseConfig({ ...secrets, ALLOWED_ORIGINS: ' https://a.example , http://localhost:3000,' })
    expect([...config.allowedOrigins]).toEqual(['https://a.example', 'http://localhost:3000'])
  })

  it('rejects an allowed origin with a path or trailing slash, naming the variable', () => {
    expect(problemsOf({ ...secrets, ALLOWED_ORIGINS: 'https://a.example/' })[0]).toMatch(/^ALLOWED_ORIGINS: /)
    expect(problemsOf({ ...secrets, ALLOWED_ORIGINS: '*' })[0]).toMatch(/^ALLOWED_ORIGINS: /)
  })

  it('rejects an MFA_ISSUER containing ":"', () => {
    expect(problemsOf({ ...secrets, MFA_ISSUER: 'Acme:Prod' })[0]).toMatch(/^MFA_ISSUER: .*":"/)
  })

  it('reads SAASUS_TIMEOUT_MS as whole milliseconds within bounds', () => {
    expect(parseConfig({ ...secrets, SAASUS_TIMEOUT_MS: '250' }).saasus.timeoutMs).toBe(250)
    expect(problemsOf({ ...secrets, SAASUS_TIMEOUT_MS: 'soon' })[0]).toMatch(/^SAASUS_TIMEOUT_MS: /)
    expect(problemsOf({ ...secrets, SAASUS_TIMEOUT_MS: '0' })[0]).toMatch(/^SAASUS_TIMEOUT_MS: /)
  })

  it('reads REQUEST_LOG as all (the default) or failures, naming it otherwise', () => {
    expect(parseConfig(secrets).requestLog).toBe('all')
    expect(parseConfig({ ...secrets, REQUEST_LOG: 'failures' }).requestLog).toBe('failures')
    expect(problemsOf({ ...secrets, REQUEST_LOG: 'none' })[0]).toMatch(/^REQUEST_LOG: /)
  })

  it('treats an empty var as unset, so `--var NAME:` restores the default', () => {
    expect(parseConfig({ ...secrets, MFA_ISSUER: '', SAASUS_API_URL_BASE: '' }).mfaIssuer).toBe('SaaSusPlatform')
  })
})
