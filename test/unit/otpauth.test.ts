/** The otpauth:// key URI an authenticator app scans, and the account name that labels it. */
import { describe, expect, it } from 'vitest'
import { accountName, keyUri } from '../../src/core/otpauth'

const SECRET = 'JBSWY3DPEHPK3PXP'
const uri = (issuer: string, account: string) => keyUri({ issuer, account, secret: SECRET })

describe('accountName', () => {
  const id = '5b7e1f5e-0000-4000-8000-000000000001'

  it('is the e-mail for e-mail users', () => {
    expect(accountName({ id, email: 'alice@example.com', sign_in_id: '' })).toBe('alice@example.com')
  })

  it('is the sign-in ID for sign-in-ID users, whose e-mail SaaSus sends empty', () => {
    expect(accountName({ id, email: '', sign_in_id: 'carol_signin' })).toBe('carol_signin')
  })

  it('falls back to the user id when both are empty', () => {
    expect(accountName({ id, email: ' ', sign_in_id: '' })).toBe(id)
  })
})

describe('keyUri', () => {
  it('follows the Key URI Format with the issuer as label prefix and parameter', () => {
    expect(uri('SaaSusPlatform', 'alice@example.com')).toBe(
      `otpauth://totp/SaaSusPlatform:alice%40example.com?secret=${SECRET}&issuer=SaaSusPlatform`,
    )
  })

  it('encodes + in an e-mail as %2B, never leaving it to mean a space', () => {
    expect(uri('SaaSusPlatform', 'bob+mfa@example.com')).toContain(':bob%2Bmfa%40example.com?')
  })

  it('encodes a space as %20, never +', () => {
    const value = uri('Acme Corp', 'alice@example.com')
    expect(value).toContain('otpauth://totp/Acme%20Corp:')
    expect(value).toContain('&issuer=Acme%20Corp')
    expect(value).not.toContain('+')
  })

  it('percent-encodes non-ASCII as UTF-8', () => {
    expect(uri('Société', 'zoë')).toBe(
      `otpauth://totp/Soci%C3%A9t%C3%A9:zo%C3%AB?secret=${SECRET}&issuer=Soci%C3%A9t%C3%A9`,
    )
  })

  it('keeps exactly one : in the label, whatever the account holds', () => {
    const value = uri('SaaSusPlatform', 'team:ops')
    const label = decodeURIComponent(value.slice('otpauth://totp/'.length).split('?')[0] ?? '')
    expect(label.split(':')).toEqual(['SaaSusPlatform', 'team_ops'])
  })

  it('drops base32 padding and upper-cases the secret', () => {
    expect(keyUri({ issuer: 'I', account: 'a', secret: 'jbswy3dpehpk3pxp====' })).toContain(`secret=${SECRET}&`)
  })

  it('round-trips through a URL parser to the same issuer, account and secret', () => {
    const parsed = new URL(uri('Acme Corp', 'bob+mfa@example.com'))
    expect(parsed.protocol).toBe('otpauth:')
    expect(parsed.searchParams.get('issuer')).toBe('Acme Corp')
    expect(parsed.searchParams.get('secret')).toBe(SECRET)
    expect(parsed.host).toBe('totp')
    expect(decodeURIComponent(parsed.pathname.split(':')[1] ?? '')).toBe('bob+mfa@example.com')
  })
})
