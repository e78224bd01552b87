/**
 * The kept authenticator secrets: sealed with AES-256-GCM under MFA_ENCRYPTION_KEY,
 * bound to their user, readable after a key rotation, and the key's problems
 * named without quoting it.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  createSecretBox,
  IMPLICIT_KEY_ID,
  parseSecretBoxKeys,
  type SecretBoxKey,
} from '../../src/core/account/secret-box'
import { ConfigError, parseConfig } from '../../src/core/config'

const secrets = { SAASUS_SAAS_ID: 'saas', SAASUS_API_KEY: 'key', SAASUS_SECRET_KEY: 'secret' }
const randomKey = (id: string): SecretBoxKey => ({ id, raw: crypto.getRandomValues(new Uint8Array(32)) })
const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes))
/** A key as `openssl rand -base64 32` prints it: 44 characters, one `=` of padding. */
const opensslKey = () => base64(crypto.getRandomValues(new Uint8Array(32)))
const keysOf = (value: string): SecretBoxKey[] => {
  const keys = parseSecretBoxKeys(value)
  if (typeof keys === 'string') throw new Error(keys)
  return keys
}
const base32Secret = fc
  .array(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'), { minLength: 16, maxLength: 64 })
  .map((chars) => chars.join(''))

describe('the secret box', () => {
  it('round-trips any secret, and its ciphertext holds nothing of it', async () => {
    const box = createSecretBox([randomKey('k1')])
    await fc.assert(
      fc.asyncProperty(base32Secret, fc.uuid(), async (secret, userId) => {
        const sealed = await box.seal(secret, userId)
        expect(sealed.keyId).toBe('k1')
        expect(new TextDecoder('latin1').decode(sealed.ciphertext)).not.toContain(secret)
        expect(await box.open(sealed, userId)).toEqual({ plaintext: secret, stale: false })
      }),
      { numRuns: 100 },
    )
  })

  it('seals the same secret differently each time (a fresh nonce)', async () => {
    const box = createSecretBox([randomKey('k1')])
    const [a, b] = [await box.seal('JBSWY3DPEHPK3PXP', 'u'), await box.seal('JBSWY3DPEHPK3PXP', 'u')]
    expect(new Uint8Array(a.iv)).not.toEqual(new Uint8Array(b.iv))
    expect(new Uint8Array(a.ciphertext)).not.toEqual(new Uint8Array(b.ciphertext))
  })

  it("does not open a secret in another user's record, or one that was altered", async () => {
    const box = createSecretBox([randomKey('k1')])
    const sealed = await box.seal('JBSWY3DPEHPK3PXP', 'alice')
    expect(await box.open(sealed, 'mallory')).toBeUndefined()
    const altered = new Uint8Array(sealed.ciphertext.slice(0))
    altered[0] = (altered[0] ?? 0) ^ 1
    expect(await box.open({ ...sealed, ciphertext: altered.buffer }, 'alice')).toBeUndefined()
  })

  it('after a rotation opens what the older key sealed, and says it should be sealed again', async () => {
    const [old, fresh] = [randomKey('2026-01'), randomKey('2026-11')]
    const sealed = await createSecretBox([old]).seal('JBSWY3DPEHPK3PXP', 'u')
    const rotated = createSecretBox([fresh, old])
    expect(await rotated.open(sealed, 'u')).toEqual({ plaintext: 'JBSWY3DPEHPK3PXP', stale: true })
    expect((await rotated.seal('JBSWY3DPEHPK3PXP', 'u')).keyId).toBe('2026-11')
    // Once the old key is dropped, what it sealed cannot be read.
    expect(await createSecretBox([fresh]).open(sealed, 'u')).toBeUndefined()
  })
})

describe('MFA_ENCRYPTION_KEY', () => {
  const key = opensslKey()

  it('is one base64 key of 32 bytes, as `openssl rand -base64 32` prints it: the key k1', () => {
    expect(key).toMatch(/^[A-Za-z0-9+/]{43}=$/)
    const keys = keysOf(key)
    expect(keys.map((k) => k.id)).toEqual([IMPLICIT_KEY_ID])
    expect(IMPLICIT_KEY_ID).toBe('k1')
    expect(keys[0]?.raw).toEqual(Uint8Array.from(atob(key), (char) => char.charCodeAt(0)))
  })

  it('or one or more <key id>:<base64 of 32 bytes>, newest first', () => {
    expect(keysOf(`new:${key}, old:${key}`).map((k) => k.id)).toEqual(['new', 'old'])
  })

  it('rotates from one key to `new:<key2>,k1:<key1>`: what the one key sealed opens, and is sealed again', async () => {
    const [key1, key2] = [opensslKey(), opensslKey()]
    const sealed = await createSecretBox(keysOf(key1)).seal('JBSWY3DPEHPK3PXP', 'u')
    expect(sealed.keyId).toBe('k1')
    const rotated = createSecretBox(keysOf(`new:${key2},k1:${key1}`))
    expect(await rotated.open(sealed, 'u')).toEqual({ plaintext: 'JBSWY3DPEHPK3PXP', stale: true })
    const resealed = await rotated.seal('JBSWY3DPEHPK3PXP', 'u')
    expect(resealed.keyId).toBe('new')
    expect(await createSecretBox(keysOf(`new:${key2}`)).open(resealed, 'u')).toMatchObject({ stale: false })
  })

  it('names what is wrong, and never quotes the key', () => {
    const cases = [
      key.slice(4), // one key of 29 bytes
      `${key.slice(0, 20)}!${key.slice(21)}`, // one key, not base64
      `k1:${key.slice(4)}`,
      `k 1:${key}`,
      `k1:${key},k1:${key}`,
      `${key},k2:${key}`, // a list entry without an id
      'k1:***',
    ]
    for (const value of cases) {
      const problem = parseSecretBoxKeys(value)
      expect(typeof problem, value).toBe('string')
      expect(problem).not.toContain(key.slice(4, 20))
    }
  })

  it('says, for a single key that is not one, both forms it may take', () => {
    expect(parseSecretBoxKeys(key.slice(4))).toBe(
      'must be one base64 key of 32 bytes (`openssl rand -base64 32`) or <key id>:<base64 key>[,<key id>:<base64 key>…]; it is 29 bytes, not 32',
    )
    expect(parseSecretBoxKeys('not a key!')).toMatch(/; it is not base64$/)
  })

  it('is optional while MFA_STEP_UP is off: no secret is kept then', () => {
    expect(parseConfig(secrets).secretBoxKeys).toBeUndefined()
    expect(parseConfig(secrets).settings.stepUp).toBe('off')
  })

  it('is required with MFA_STEP_UP=required, and the message names it', () => {
    expect(() => parseConfig({ ...secrets, MFA_STEP_UP: 'required' })).toThrow(ConfigError)
    expect(() => parseConfig({ ...secrets, MFA_STEP_UP: 'required' })).toThrow(/MFA_ENCRYPTION_KEY is required/)
    const config = parseConfig({ ...secrets, MFA_STEP_UP: 'required', MFA_ENCRYPTION_KEY: `k1:${key}` })
    expect(config.settings.stepUp).toBe('required')
    // One bare key, with the newline `openssl rand -base64 32 | wrangler secret put` may leave.
    const bare = parseConfig({ ...secrets, MFA_STEP_UP: 'required', MFA_ENCRYPTION_KEY: `${key}\n` })
    expect(bare.secretBoxKeys?.map((k) => k.id)).toEqual(['k1'])
    // The keys are their own part of the configuration, never among the settings the app reads.
    expect(JSON.stringify(config.settings)).not.toContain(key)
  })

  it('a malformed one is a configuration error naming the variable, without its value', () => {
    try {
      parseConfig({ ...secrets, MFA_ENCRYPTION_KEY: `k1:${key.slice(8)}` })
      expect.unreachable()
    } catch (error) {
      expect((error as ConfigError).problems[0]).toMatch(/^MFA_ENCRYPTION_KEY: /)
      expect((error as ConfigError).message).not.toContain(key.slice(8, 24))
    }
    expect(() => parseConfig({ ...secrets, MFA_STEP_UP: 'sometimes' })).toThrow(/MFA_STEP_UP: must be off or required/)
  })
})
