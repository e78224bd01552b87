/**
 * SAASUSSIGV1 request signing, over Web Crypto.
 *
 * The signature is lowercase hex of HMAC-SHA256, keyed with the secret key, over
 * `YYYYMMDDHHmm (UTC) + apiKey + METHOD + host[:port]/path?query + body`.
 */
import { toHex } from '../../shared/tokens'

export interface SigningCredentials {
  saasId: string
  apiKey: string
  secretKey: string
}

export interface SignableRequest {
  method: string
  /** The full request URL, scheme included; the scheme and `//` are not signed. */
  url: string
  /** The body exactly as sent; omit for requests without one. */
  body?: string
}

const encoder = new TextEncoder()
const keys = new Map<string, Promise<CryptoKey>>()

/** The HMAC key for a secret, imported once per isolate and reused by every request. */
function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret)
  if (key === undefined) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ])
    keys.set(secret, key)
  }
  return key
}

const MS_PER_MINUTE = 60_000
/** The last minute formatted, and its number since the epoch: every call in that minute reuses it. */
let lastMinute = { number: Number.NaN, text: '' }

/** `YYYYMMDDHHmm` in UTC: the minute the signature is valid for. */
export function signingMinute(date: Date): string {
  const number = Math.floor(date.getTime() / MS_PER_MINUTE)
  if (number !== lastMinute.number) {
    lastMinute = { number, text: date.toISOString().slice(0, 16).replace(/[-T:]/g, '') }
  }
  return lastMinute.text
}

function signedMessage(minute: string, apiKey: string, request: SignableRequest): string {
  const target = request.url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
  return `${minute}${apiKey}${request.method.toUpperCase()}${target}${request.body ?? ''}`
}

/** The hex signature of a request at a given time. */
export async function signature(
  credentials: Pick<SigningCredentials, 'apiKey' | 'secretKey'>,
  request: SignableRequest,
  now: Date = new Date(),
): Promise<string> {
  const message = signedMessage(signingMinute(now), credentials.apiKey, request)
  return toHex(await crypto.subtle.sign('HMAC', await hmacKey(credentials.secretKey), encoder.encode(message)))
}

/** The value of the `Authorization` header for a request. */
export async function authorizationHeader(
  credentials: SigningCredentials,
  request: SignableRequest,
  now: Date = new Date(),
): Promise<string> {
  const sig = await signature(credentials, request, now)
  return `SAASUSSIGV1 Sig=${sig}, SaaSID=${credentials.saasId}, APIKey=${credentials.apiKey}`
}

/** The parts of a SAASUSSIGV1 `Authorization` header, or null if it is not one. */
export function parseAuthorization(
  header: string | null | undefined,
): { sig: string; saasId: string; apiKey: string } | null {
  const match = /^SAASUSSIGV1 Sig=([0-9a-f]{64}), SaaSID=([^,\s]+), APIKey=([^,\s]+)$/.exec(header ?? '')
  if (!match) return null
  const [, sig, saasId, apiKey] = match as unknown as [string, string, string, string]
  return { sig, saasId, apiKey }
}
