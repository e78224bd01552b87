/**
 * The authenticator secrets the API keeps, encrypted with AES-256-GCM under a
 * key from the secret MFA_ENCRYPTION_KEY. Only the account object (./user-account.ts)
 * holds a box; nothing else sees the key or a decrypted secret.
 *
 * MFA_ENCRYPTION_KEY is one or more `<key id>:<32 random bytes, base64>`, comma-
 * separated, newest first: the first key seals, every listed key opens. Rotation
 * is putting a new key in front; a secret sealed under an older key is sealed
 * again under the first when it is next used. A fresh key:
 * `node -e "console.log('k2:' + require('crypto').randomBytes(32).toString('base64'))"`.
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

/** The keys of an MFA_ENCRYPTION_KEY value, or the problem with it (never quoting the value). */
export function parseSecretBoxKeys(value: string): SecretBoxKey[] | string {
  const keys: SecretBoxKey[] = []
  for (const part of value.split(',').map((entry) => entry.trim())) {
    const [id, material, extra] = part.split(':')
    if (id === undefined || material === undefined || extra !== undefined || !KEY_ID.test(id)) {
      return 'must be <key id>:<base64 key>[,<key id>:<base64 key>…], key ids of letters, digits, _ . -'
    }
    let raw: Uint8Array
    try {
      raw = Uint8Array.from(atob(material), (char) => char.charCodeAt(0))
    } catch {
      return `key "${id}" is not base64`
    }
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
