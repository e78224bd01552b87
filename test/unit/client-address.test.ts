import { describe, expect, it } from 'vitest'
import { addressKey } from '../../src/core/middleware/client-limit'

describe('the key POST /mfa_recover counts a client by', () => {
  it('is an IPv4 address whole', () => {
    expect(addressKey('203.0.113.7')).toBe('address:203.0.113.7')
    expect(addressKey('203.0.113.8')).not.toBe(addressKey('203.0.113.7'))
  })

  it('is the /64 of an IPv6 address, however it is written', () => {
    const key = addressKey('2001:db8:85a3:1:aaaa:bbbb:cccc:dddd')
    expect(key).toBe('address:2001:db8:85a3:1::/64')
    // Another address in the same /64, and the same block written with :: and leading zeros.
    expect(addressKey('2001:db8:85a3:1::1')).toBe(key)
    expect(addressKey('2001:0DB8:85A3:0001:0:0:0:2')).toBe(key)
    expect(addressKey('2001:db8:85a3:2::1')).not.toBe(key)
  })

  it('expands :: that falls inside the first four groups', () => {
    expect(addressKey('2001:db8::1')).toBe('address:2001:db8:0:0::/64')
    expect(addressKey('::1')).toBe('address:0:0:0:0::/64')
    expect(addressKey('fe80::')).toBe('address:fe80:0:0:0::/64')
  })

  it('is one shared key when Cloudflare gave no address (local runs)', () => {
    expect(addressKey(undefined)).toBe('address:unknown')
  })
})
