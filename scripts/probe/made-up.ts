/**
 * What the probe invents to provoke a refusal: a verification code that is wrong
 * now, and tokens SaaSus never issued.
 */
import { TOTP } from 'otpauth'

/** A six-digit code the secret gives for none of the steps around now, or undefined if it is no base32 secret. */
export function codeNotAccepted(secret: string, now = Date.now()): string | undefined {
  let totp: TOTP
  try {
    totp = new TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 })
  } catch {
    return undefined
  }
  // Two 30 s steps either side, wider than the one Cognito allows: wrong for any tolerance near it.
  const accepted = new Set([-2, -1, 0, 1, 2].map((step) => totp.generate({ timestamp: now + step * 30_000 })))
  let n = (crypto.getRandomValues(new Uint32Array(1))[0] ?? 0) % 1_000_000
  while (accepted.has(String(n).padStart(6, '0'))) n = (n + 1) % 1_000_000
  return String(n).padStart(6, '0')
}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')

/** Random bytes, base64url: shaped like an opaque token. */
export const randomOpaque = (size: number) => base64url(crypto.getRandomValues(new Uint8Array(size)))
const jsonPart = (value: object) => base64url(new TextEncoder().encode(JSON.stringify(value)))

/** Shaped like a Cognito access token, issued by no one. */
export function madeUpAccessToken(): string {
  const claims = { sub: crypto.randomUUID(), token_use: 'access', exp: Math.floor(Date.now() / 1000) + 3600 }
  return `${jsonPart({ alg: 'RS256', kid: 'probe' })}.${jsonPart(claims)}.${randomOpaque(32)}`
}
