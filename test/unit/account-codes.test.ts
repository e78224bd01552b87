/**
 * Recovery codes (format, normalisation, hash) and the RFC 6238 check the API
 * runs itself for step-up.
 */
import fc from 'fast-check'
import { TOTP } from 'otpauth'
import { describe, expect, it } from 'vitest'
import {
  newRecoveryCode,
  normalizeRecoveryCode,
  RECOVERY_CODE_COUNT,
  recoveryCodeHash,
} from '../../src/core/account/recovery-code'
import { base32Decode, matchingStep, stepAt } from '../../src/core/account/totp'

describe('recovery codes', () => {
  it('are four groups of four symbols without 0, 1, I or O: 80 bits', () => {
    for (let i = 0; i < 200; i++) {
      const code = newRecoveryCode()
      expect(code).toMatch(/^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}$/)
    }
    // 16 symbols of a 32-symbol alphabet.
    expect(Math.log2(32) * 16).toBeGreaterThanOrEqual(80)
  })

  it('do not repeat', () => {
    const codes = new Set(Array.from({ length: 1_000 }, newRecoveryCode))
    expect(codes.size).toBe(1_000)
    expect(RECOVERY_CODE_COUNT).toBe(10)
  })

  it('are read whatever the case, spaces and hyphens', () => {
    fc.assert(
      fc.property(fc.constant(null).map(newRecoveryCode), fc.boolean(), (code, lower) => {
        const typed = (lower ? code.toLowerCase() : code).replaceAll('-', ' ')
        expect(normalizeRecoveryCode(typed)).toBe(code.replaceAll('-', ''))
        expect(normalizeRecoveryCode(` ${code} `)).toBe(code.replaceAll('-', ''))
      }),
    )
  })

  it('refuse what cannot be a code: look-alikes, wrong length, other characters', () => {
    for (const input of [
      '',
      'ABCD-EFGH-JKLM-NPQ',
      'ABCD-EFGH-JKLM-NPQR-S',
      'ABCD-EFGH-JKLM-NPQ0',
      'OBCD-EFGH-JKLM-NPQR',
    ]) {
      expect(normalizeRecoveryCode(input), input).toBeUndefined()
    }
    expect(normalizeRecoveryCode('ABCD-EFGH-JKLM-NPQ1')).toBeUndefined()
    expect(normalizeRecoveryCode('ABCD_EFGH_JKLM_NPQR')).toBeUndefined()
  })

  it('are kept as the hex SHA-256 of their normalised form, never as typed', async () => {
    const code = newRecoveryCode()
    const hash = await recoveryCodeHash(normalizeRecoveryCode(code) ?? '')
    expect(hash).toMatch(/^[0-9a-f]{64}$/)
    expect(await recoveryCodeHash(normalizeRecoveryCode(code.toLowerCase()) ?? '')).toBe(hash)
    expect(hash).not.toContain(code.replaceAll('-', '').toLowerCase())
  })
})

describe('TOTP (RFC 6238, SHA-1, 6 digits, 30 s)', () => {
  // RFC 6238 Appendix B, SHA-1 rows: the last six of the eight digits.
  const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' // "12345678901234567890"
  const vectors: [number, string][] = [
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
    [20000000000, '353130'],
  ]

  it('decodes base32', () => {
    expect(new TextDecoder().decode(base32Decode(RFC_SECRET))).toBe('12345678901234567890')
  })

  it.each(vectors)('at %i s the code is %s', async (seconds, code) => {
    expect(await matchingStep(RFC_SECRET, code, seconds * 1000)).toBe(stepAt(seconds * 1000))
  })

  it('accepts the codes one step either side of now, and no further', async () => {
    const secret = 'JBSWY3DPEHPK3PXP'
    const totp = new TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 })
    const now = 1_800_000_000_000
    for (const offset of [-1, 0, 1]) {
      const code = totp.generate({ timestamp: now + offset * 30_000 })
      expect(await matchingStep(secret, code, now)).toBe(stepAt(now) + offset)
    }
    for (const offset of [-2, 2]) {
      const code = totp.generate({ timestamp: now + offset * 30_000 })
      // One in a million: the far code may equal a near one.
      if (![-1, 0, 1].some((near) => totp.generate({ timestamp: now + near * 30_000 }) === code)) {
        expect(await matchingStep(secret, code, now)).toBeUndefined()
      }
    }
  })

  it('accepts each code once: none of a step at or before one already accepted', async () => {
    const secret = 'JBSWY3DPEHPK3PXP'
    const now = 1_800_000_000_000
    const code = new TOTP({ secret }).generate({ timestamp: now })
    const step = await matchingStep(secret, code, now)
    expect(step).toBeDefined()
    expect(await matchingStep(secret, code, now, step)).toBeUndefined()
  })

  it('agrees with the otpauth library for any secret and time', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 10, maxLength: 32 }),
        fc.integer({ min: 0, max: 4_000_000_000 }),
        async (bytes, seconds) => {
          const totp = new TOTP({
            secret: new (await import('otpauth')).Secret({ buffer: bytes.buffer as ArrayBuffer }),
          })
          const code = totp.generate({ timestamp: seconds * 1000 })
          expect(await matchingStep(totp.secret.base32, code, seconds * 1000)).toBeDefined()
        },
      ),
      { numRuns: 100 },
    )
  })

  it('refuses what is not six digits', async () => {
    for (const code of ['', '12345', '1234567', '12345a', ' 123456']) {
      expect(await matchingStep('JBSWY3DPEHPK3PXP', code, Date.now())).toBeUndefined()
    }
  })
})
