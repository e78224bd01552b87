/**
 * What an account object has admitted and not yet heard back about
 * (src/core/account/reservations.ts): attempts in flight and recovery codes held,
 * each lapsing RESERVATION_MS after it was made, by the callers' clock.
 */
import { describe, expect, it } from 'vitest'
import { RESERVATION_MS, Reservations } from '../../src/core/account/reservations'
import { parseConfig } from '../../src/core/config'

describe('reservations', () => {
  it('count until they are closed', () => {
    const reservations = new Reservations()
    const first = reservations.open(0)
    reservations.open(0)
    expect(reservations.live(0)).toBe(2)
    reservations.close(first)
    expect(reservations.live(0)).toBe(1)
  })

  it('lapse RESERVATION_MS after they were made, and are forgotten then', () => {
    const reservations = new Reservations()
    reservations.open(1_000)
    reservations.open(2_000)
    expect(reservations.live(1_000 + RESERVATION_MS - 1)).toBe(2)
    expect(reservations.live(1_000 + RESERVATION_MS)).toBe(1)
    // Forgotten, not merely not counted: an earlier clock does not bring it back.
    expect(reservations.live(1_000)).toBe(1)
  })

  it('hold a key until closed or lapsed; closing one already gone is no error', () => {
    const reservations = new Reservations()
    expect(reservations.open(0, 'code-hash')).toBe('code-hash')
    expect(reservations.holds('code-hash', RESERVATION_MS - 1)).toBe(true)
    expect(reservations.holds('code-hash', RESERVATION_MS)).toBe(false)
    reservations.close('code-hash')
    reservations.close('code-hash')
    expect(reservations.holds('code-hash', 0)).toBe(false)
  })

  it('outlast the longest SaaSus call SAASUS_TIMEOUT_MS allows (its retry included)', () => {
    const secrets = { SAASUS_SAAS_ID: 'saas', SAASUS_API_KEY: 'key', SAASUS_SECRET_KEY: 'secret' }
    const longest = parseConfig({ ...secrets, SAASUS_TIMEOUT_MS: '30000' }).saasus.timeoutMs
    expect(() => parseConfig({ ...secrets, SAASUS_TIMEOUT_MS: String(longest + 1) })).toThrow(/SAASUS_TIMEOUT_MS/)
    expect(RESERVATION_MS).toBeGreaterThan(longest)
  })
})
