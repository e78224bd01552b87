/** Reading a JWT's `exp` without trusting the token: it can only make the API refuse sooner. */
import { describe, expect, it } from 'vitest'
import { jwtExpiry } from '../../src/tokens'
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
