/**
 * The authenticator secrets the API keeps, encrypted with AES-256-GCM under a
 * key from the secret MFA_ENCRYPTION_KEY. Only the account object (./user-account.ts)
 * holds a box; nothing else sees the key or a decrypted secret.
 *
 * MFA_ENCRYPTION_KEY is one key, 32 random bytes in base64 (`openssl rand -base64 32`),
 * which is the key `k1`; or, to rotate, `<key id>:<base64 key>` entries, comma-separated,
 * newest first: the first key seals, every listed key opens, so `k2:<new>,k1:<old>`
 * opens what the one key sealed. A secret sealed under an older key is sealed again
 * under the first when it is next used.
 */

export interface SecretBoxKey {
  /** Stored beside each sealed secret, so the right key opens it after a rotation. */
  id: string
  raw: Uint8Array
}

export interface Sealed {
  keyId: string
  iv: ArrayBuffer
  ciphertext: ArrayBuffer
}

const KEY_ID = /^[A-Za-z0-9_.-]{1,32}$/
const KEY_BYTES = 32 // AES-256
const IV_BYTES = 12 // the GCM nonce size NIST SP 800-38D recommends; random per seal

/** The id of a key given alone, without one: a later `k2:<new>,k1:<old>` still opens what it sealed. */
export const IMPLICIT_KEY_ID = 'k1'

const FORMS = 'one base64 key of 32 bytes (`openssl rand -base64 32`) or <key id>:<base64 key>[,<key id>:<base64 key>…]'

/** The bytes of base64 text, or undefined. */
function fromBase64(material: string): Uint8Array | undefined {
  try {
    return Uint8Array.from(atob(material), (char) => char.charCodeAt(0))
  } catch {
    return undefined
  }
}

/** The keys of an MFA_ENCRYPTION_KEY value, or the problem with it (never quoting the value). */
export function parseSecretBoxKeys(value: string): SecretBoxKey[] | string {
  // Base64 has no ":" or ",": without either, the value is one key.
  if (!/[:,]/.test(value)) {
    const raw = fromBase64(value)
    if (raw === undefined) return `must be ${FORMS}; it is not base64`
    if (raw.length !== KEY_BYTES) return `must be ${FORMS}; it is ${raw.length} bytes, not ${KEY_BYTES}`
    return [{ id: IMPLICIT_KEY_ID, raw }]
  }
  const keys: SecretBoxKey[] = []
  for (const part of value.split(',').map((entry) => entry.trim())) {
    const [id, material, extra] = part.split(':')
    if (id === undefined || material === undefined || extra !== undefined || !KEY_ID.test(id)) {
      return `must be ${FORMS}, key ids of letters, digits, _ . -`
    }
    const raw = fromBase64(material)
    if (raw === undefined) return `key "${id}" is not base64`
    if (raw.length !== KEY_BYTES) return `key "${id}" must be ${KEY_BYTES} bytes (it has ${raw.length})`
    if (keys.some((key) => key.id === id)) return `key id "${id}" appears twice`
    keys.push({ id, raw })
  }
  return keys
}

export type SecretBox = ReturnType<typeof createSecretBox>

/**
 * `context` (the user id) is bound to each ciphertext as GCM's additional data:
 * a sealed secret copied into another user's record does not open there.
 */
export function createSecretBox(keys: readonly SecretBoxKey[]) {
  const current = keys[0]
  if (!current) throw new Error('a secret box needs a key')
  const imported = new Map<string, Promise<CryptoKey>>()
  const cryptoKey = (key: SecretBoxKey) => {
    let promise = imported.get(key.id)
    if (!promise) {
      promise = crypto.subtle.importKey('raw', key.raw, 'AES-GCM', false, ['encrypt', 'decrypt'])
      imported.set(key.id, promise)
    }
    return promise
  }
  const encoder = new TextEncoder()

  return {
    async seal(plaintext: string, context: string): Promise<Sealed> {
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
      const ciphertext = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: encoder.encode(context) },
        await cryptoKey(current),
        encoder.encode(plaintext),
      )
      return { keyId: current.id, iv: iv.buffer, ciphertext }
    },

    /**
     * The plaintext, and whether it was sealed under an older key (to seal again);
     * undefined when no listed key opens it (a key removed too early, or tampering).
     */
    async open(sealed: Sealed, context: string): Promise<{ plaintext: string; stale: boolean } | undefined> {
      const key = keys.find((candidate) => candidate.id === sealed.keyId)
      if (!key) return undefined
      try {
        const plaintext = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: sealed.iv, additionalData: encoder.encode(context) },
          await cryptoKey(key),
          sealed.ciphertext,
        )
        return { plaintext: new TextDecoder().decode(plaintext), stale: key !== current }
      } catch {
        return undefined
      }
    },
  }
}
