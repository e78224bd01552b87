/**
 * Threat: the authenticator secret the API now keeps for step-up is a
 * credential (whoever holds it makes valid codes), and recovery codes each turn
 * MFA off. Neither may leave the API after the one answer that hands it out:
 * not in another response, not in a log line, not in storage as written. Storage
 * holds the secret sealed (AES-GCM) and the codes as hashes, and no IP address.
 */
import { runInDurableObject } from 'cloudflare:test'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { base32Decode } from '../../src/core/account/totp'
import { json, userAccount, withStepUp } from '../support/account'
import {
  bearer,
  call,
  codeAt,
  currentCode,
  freshUser,
  secretOf,
  type TestUser,
  withAccessToken,
} from '../support/harness'

const api = withStepUp()
const ADDRESS = '203.0.113.77'
const lines: string[] = []
/** Every body answered, but the ones that hand out a secret or codes. */
const bodies: string[] = []
const secrets: string[] = []
let codes: string[] = []
let user: TestUser

async function send(path: string, init: RequestInit = {}, handsOut = false): Promise<Response> {
  const headers = new Headers(init.headers)
  headers.set('CF-Connecting-IP', ADDRESS)
  headers.set('User-Agent', 'Mozilla/5.0 (test) account-secrets')
  const res = await api(path, { ...init, headers })
  const text = await res.clone().text()
  if (!handsOut) bodies.push(text)
  return res
}

async function setupSecret(extra: Record<string, string> = {}): Promise<string> {
  const res = await send('/mfa_setup', { headers: { ...withAccessToken(user), ...extra } }, true)
  expect(res.status).toBe(200)
  const secret = secretOf(((await res.json()) as { qrCodeUrl: string }).qrCodeUrl)
  secrets.push(secret)
  return secret
}

beforeAll(async () => {
  const spies = (['log', 'info', 'warn', 'error'] as const).map((method) =>
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '))
    }),
  )
  try {
    user = await freshUser()
    const first = await setupSecret()
    await send('/mfa_verify', json({ verification_code: currentCode(first) }, withAccessToken(user)))
    await send('/mfa_enable', json({}, bearer(user)))
    await send('/mfa_status', { headers: bearer(user) })
    // Recovery codes without step-up (the API with its default settings): the one step-up code
    // available now (one step ahead of the code verify spent) is for the second authenticator.
    const created = await call('/mfa_recovery_codes', json({}, bearer(user)))
    codes = ((await created.json()) as { recovery_codes: string[] }).recovery_codes
    await send('/mfa_recovery_codes', { headers: bearer(user) })
    await send('/mfa_disable', json({ verification_code: '000000' }, bearer(user)))
    // A new authenticator while MFA is on: step-up with the first, then the second registered.
    const second = await setupSecret({ 'X-Verification-Code': codeAt(first, 1) })
    await send('/mfa_verify', json({ verification_code: currentCode(second) }, withAccessToken(user)))
    await send('/mfa_events', { headers: bearer(user) })
  } finally {
    for (const spy of spies) spy.mockRestore()
  }
})

afterAll(() => {
  lines.length = 0
})

describe('the kept authenticator secret and the recovery codes', () => {
  it('were handed out (two secrets, ten codes) and the run logged its events', () => {
    expect(secrets).toHaveLength(2)
    expect(codes).toHaveLength(10)
    expect(lines.some((line) => line.includes('"account_event"'))).toBe(true)
  })

  it('appear in no other response', () => {
    const all = bodies.join('\n').toUpperCase()
    for (const secret of secrets) expect(all).not.toContain(secret)
    for (const code of codes) expect(all).not.toContain(code.replaceAll('-', ''))
    for (const code of codes) expect(all).not.toContain(code)
  })

  it('appear in no log line, nor does the client address or user agent', () => {
    const log = lines.join('\n')
    for (const secret of secrets) expect(log.toUpperCase()).not.toContain(secret)
    for (const code of codes) expect(log.toUpperCase()).not.toContain(code.replaceAll('-', ''))
    expect(log).not.toContain(ADDRESS)
    expect(log).not.toContain('account-secrets')
  })

  it('are stored only sealed and hashed, beside events without an address', async () => {
    const stored = await runInDurableObject(userAccount(user.id), (_instance, state) => {
      const sql = state.storage.sql
      return {
        authenticator: sql
          .exec<{ slot: string; ciphertext: ArrayBuffer }>('SELECT slot, ciphertext FROM authenticator')
          .toArray(),
        codes: sql.exec<{ hash: string }>('SELECT hash FROM recovery_codes').toArray(),
        events: JSON.stringify(sql.exec('SELECT * FROM events').toArray()),
      }
    })
    expect(stored.authenticator.map((row) => row.slot)).toEqual(['current'])
    for (const row of stored.authenticator) {
      const bytes = new Uint8Array(row.ciphertext)
      const text = new TextDecoder('latin1').decode(bytes)
      for (const secret of secrets) {
        expect(text.toUpperCase()).not.toContain(secret)
        const raw = new TextDecoder('latin1').decode(base32Decode(secret))
        expect(text).not.toContain(raw.slice(0, 8))
      }
    }
    expect(stored.codes).toHaveLength(10)
    for (const { hash } of stored.codes) expect(hash).toMatch(/^[0-9a-f]{64}$/)
    expect(stored.events).not.toContain(ADDRESS)
    expect(stored.events).toContain('account-secrets') // the user agent is kept for the user to see
  })
})
