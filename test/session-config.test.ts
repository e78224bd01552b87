import { describe, expect, it } from 'vitest'
import { parseConfig } from '../src/config'
import { problemsOf, secrets } from './support/config'

describe('the refresh cookie settings', () => {
  it('default to SameSite=None, 30 days, and the refresh token in the body', () => {
    const config = parseConfig(secrets)
    expect(config.settings.refreshCookie).toEqual({ sameSite: 'none', maxAgeSeconds: 2_592_000 })
    expect(config.settings.refreshTokenInBody).toBe(true)
  })

  it('read REFRESH_COOKIE_SAMESITE in any case', () => {
    expect(parseConfig({ ...secrets, REFRESH_COOKIE_SAMESITE: 'Strict' }).settings.refreshCookie.sameSite).toBe(
      'strict',
    )
    expect(parseConfig({ ...secrets, REFRESH_COOKIE_SAMESITE: ' lax ' }).settings.refreshCookie.sameSite).toBe('lax')
  })

  it('reject any other SameSite value, naming the variable', () => {
    expect(problemsOf({ ...secrets, REFRESH_COOKIE_SAMESITE: 'Sometimes' })).toEqual([
      'REFRESH_COOKIE_SAMESITE: must be None, Lax or Strict',
    ])
  })

  it('bound REFRESH_COOKIE_MAX_AGE_SECONDS between a minute and 400 days', () => {
    expect(
      parseConfig({ ...secrets, REFRESH_COOKIE_MAX_AGE_SECONDS: '3600' }).settings.refreshCookie.maxAgeSeconds,
    ).toBe(3600)
    expect(problemsOf({ ...secrets, REFRESH_COOKIE_MAX_AGE_SECONDS: '59' })[0]).toMatch(
      /^REFRESH_COOKIE_MAX_AGE_SECONDS: /,
    )
    expect(problemsOf({ ...secrets, REFRESH_COOKIE_MAX_AGE_SECONDS: '34560001' })[0]).toMatch(
      /^REFRESH_COOKIE_MAX_AGE_SECONDS: /,
    )
  })

  it('read REFRESH_TOKEN_IN_BODY as true or false, from a string or a TOML boolean', () => {
    expect(parseConfig({ ...secrets, REFRESH_TOKEN_IN_BODY: 'false' }).settings.refreshTokenInBody).toBe(false)
    expect(parseConfig({ ...secrets, REFRESH_TOKEN_IN_BODY: false }).settings.refreshTokenInBody).toBe(false)
    expect(problemsOf({ ...secrets, REFRESH_TOKEN_IN_BODY: 'no' })[0]).toMatch(/^REFRESH_TOKEN_IN_BODY: /)
  })
})
