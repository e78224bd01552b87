/** Reading a JWT's `exp` without trusting the token: it can only make the API refuse sooner. */
import { describe, expect, it } from 'vitest'
import { jwtExpiry, toHex } from '../../src/shared/tokens'
import { unsignedJwt } from '../support/tokens'

describe('jwtExpiry', () => {
  it('reads a numeric exp as epoch ms', () => {
    expect(jwtExpiry(unsignedJwt({ exp: 1_800_000_000 }))).toBe(1_800_000_000_000)
  })

  it('gives nothing for an opaque token, a bad payload or a non-numeric exp', () => {
    expect(jwtExpiry('opaque-token')).toBeUndefined()
    expect(jwtExpiry('a.!!!.c')).toBeUndefined()
    expect(jwtExpiry(unsignedJwt({ exp: 'tomorrow' }))).toBeUndefined()
  })
})

describe('toHex', () => {
  it('writes every byte as two lowercase hex digits, in order', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, byte) => byte)
    const expected = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
    expect(toHex(bytes.buffer)).toBe(expected)
    expect(toHex(new Uint8Array([0x00, 0x0f, 0xa0, 0xff]).buffer)).toBe('000fa0ff')
    expect(toHex(new ArrayBuffer(0))).toBe('')
  })
})
