/**
 * Recovery codes: what they look like, how they are made and how they are kept.
 *
 * A code is 16 symbols of a 32-symbol alphabet (80 bits from `getRandomValues`),
 * shown in four groups, e.g. `7KQM-X2HD-9RTW-C4NP`. The alphabet leaves out 0, 1,
 * I and O, which people misread for each other; input is read case-insensitively
 * and spaces and hyphens are ignored. Only the SHA-256 of the normalised code is
 * ever stored: 80 random bits need no salt or slow hash to resist guessing.
 */
import { toHex } from '../../shared/tokens'

const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ'
const SYMBOLS = 16 // × 5 bits = 80 bits
const GROUP = 4

/** How many codes one request hands out; asking again replaces them all. */
export const RECOVERY_CODE_COUNT = 10

/** A new code, grouped for reading. */
export function newRecoveryCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array((SYMBOLS * 5) / 8))
  let bits = 0
  let value = 0
  let symbols = ''
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      bits -= 5
      symbols += ALPHABET[(value >> bits) & 31]
    }
  }
  return symbols.match(new RegExp(`.{${GROUP}}`, 'g'))?.join('-') ?? symbols
}

/** A new set of codes, as shown once, with the hashes they are kept as (the same order). */
export async function newRecoveryCodeSet(): Promise<{ codes: string[]; hashes: string[] }> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode)
  const hashes = await Promise.all(
    codes.map((code) => {
      const normalized = normalizeRecoveryCode(code)
      if (normalized === undefined) throw new Error('a new recovery code does not read as one')
      return recoveryCodeHash(normalized)
    }),
  )
  return { codes, hashes }
}

/** The code as stored and compared (upper case, no separators), or undefined if it cannot be one. */
export function normalizeRecoveryCode(input: string): string | undefined {
  const symbols = input.toUpperCase().replace(/[\s-]/g, '')
  if (symbols.length !== SYMBOLS) return undefined
  for (const symbol of symbols) if (!ALPHABET.includes(symbol)) return undefined
  return symbols
}

/** Lowercase hex SHA-256 of a normalised code: the only form in which a code is kept. */
export async function recoveryCodeHash(normalized: string): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(normalized)))
}
