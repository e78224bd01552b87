/**
 * Token helpers used on both sides of the API (request parsing, the user cache,
 * the SaaSus client): the shape of an opaque token, hex encoding, and the `exp`
 * of a JWT. Nothing here verifies a token; identity always comes from SaaSus.
 */

/** An opaque SaaSus token (access or refresh) as a header or cookie may carry it: printable ASCII, bounded. */
export const OPAQUE_TOKEN = /^[\x21-\x7e]{1,8192}$/

const HEX_OF_BYTE = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'))

/** Lowercase hex of a digest or MAC. */
export function toHex(bytes: ArrayBuffer): string {
  // From a table: two of these run on every request, and a map, pad and join per byte cost several times more.
  let hex = ''
  for (const byte of new Uint8Array(bytes)) hex += HEX_OF_BYTE[byte]
  return hex
}

/** Text as unpadded base64url (RFC 4648 §5); Latin-1 characters only, as `btoa` takes. */
export const toBase64url = (text: string): string =>
  btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

/** The text of base64url, padded or not; throws when it is not base64url. */
export const fromBase64url = (encoded: string): string => atob(encoded.replace(/-/g, '+').replace(/_/g, '/'))

/**
 * The `exp` claim of a JWT, in epoch ms, or undefined if the token is not a JWT
 * with a numeric `exp`. Unverified on purpose: it can only shorten a cache entry
 * or refuse a token early, never vouch for one.
 */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split('.')
  const payload = parts[1]
  if (payload === undefined || parts.length !== 3) return undefined
  try {
    const json = fromBase64url(payload)
    const exp: unknown = (JSON.parse(json) as { exp?: unknown }).exp
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined
  } catch {
    return undefined
  }
}
