/**
 * RFC 6238 TOTP, checked with Web Crypto: HMAC-SHA-1, 6 digits, 30 s steps,
 * one step either side of now (what Cognito and authenticator apps use; the
 * window absorbs clock drift and the time it takes to type a code).
 */

const STEP_MS = 30_000
const DIGITS = 6
const WINDOW = 1

/** RFC 4648 base32, as authenticator secrets are written (upper case, padding optional). */
export function base32Decode(text: string): Uint8Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  const clean = text.toUpperCase().replace(/=+$/, '')
  const out = new Uint8Array(Math.floor((clean.length * 5) / 8))
  let bits = 0
  let value = 0
  let index = 0
  for (const char of clean) {
    const digit = alphabet.indexOf(char)
    if (digit < 0) throw new Error('not base32')
    value = (value << 5) | digit
    bits += 5
    if (bits >= 8) {
      bits -= 8
      out[index++] = (value >> bits) & 0xff
    }
  }
  return out
}

/** RFC 4226 HOTP of one counter value. */
async function hotp(key: CryptoKey, counter: number): Promise<string> {
  const message = new DataView(new ArrayBuffer(8))
  message.setUint32(0, Math.floor(counter / 2 ** 32))
  message.setUint32(4, counter >>> 0)
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, message.buffer))
  // RFC 4226 §5.3 dynamic truncation.
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f
  const binary =
    (((mac[offset] ?? 0) & 0x7f) << 24) |
    ((mac[offset + 1] ?? 0) << 16) |
    ((mac[offset + 2] ?? 0) << 8) |
    (mac[offset + 3] ?? 0)
  return String(binary % 10 ** DIGITS).padStart(DIGITS, '0')
}

/** The time step a moment falls in. */
export const stepAt = (nowMs: number): number => Math.floor(nowMs / STEP_MS)

/**
 * The step whose code `code` is, within one step of `nowMs` and later than
 * `afterStep` (a step already accepted: each code is good once), or undefined.
 */
export async function matchingStep(
  secret: string,
  code: string,
  nowMs: number,
  afterStep = Number.NEGATIVE_INFINITY,
): Promise<number | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined
  const key = await crypto.subtle.importKey('raw', base32Decode(secret), { name: 'HMAC', hash: 'SHA-1' }, false, [
    'sign',
  ])
  const now = stepAt(nowMs)
  for (let step = now - WINDOW; step <= now + WINDOW; step++) {
    if (step > afterStep && (await hotp(key, step)) === code) return step
  }
  return undefined
}
