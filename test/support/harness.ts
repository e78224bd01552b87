/**
 * What the tests share: calling the API under test, and talking to the SaaSus
 * emulator (every fetch from inside the test worker to api.saasus.io reaches it,
 * through the same outbound wiring the API's own SaaSus calls use).
 */
import { env, exports } from 'cloudflare:workers'
import { TOTP } from 'otpauth'
import { app } from '../../src/app'

export const API = 'https://mfa.example.com'
export const EMULATOR = 'https://api.saasus.io'
export const SPA_ORIGIN = 'https://spa.example.com'

/** Sends a request to the Worker under test, optionally with settings overriding wrangler.toml's. */
export function call(path: string, init: RequestInit = {}, settings: Record<string, string> = {}): Promise<Response> {
  const request = new Request(`${API}${path}`, init)
  if (Object.keys(settings).length === 0) return exports.default.fetch(request)
  // A new env object is parsed into its own config.
  return Promise.resolve(app.fetch(request, { ...env, ...settings }))
}

export interface TestUser {
  id: string
  email: string
  sign_in_id: string
  id_token: string
  access_token: string
}

/**
 * A fresh emulator user (a random e-mail unless told otherwise), so that test
 * files running side by side never share state.
 */
export async function newUser(
  identity: { email?: string; sign_in_id?: string; roles?: string[] } = {},
): Promise<TestUser> {
  const body =
    identity.email || identity.sign_in_id ? identity : { ...identity, email: `${crypto.randomUUID()}@example.com` }
  const res = await fetch(`${EMULATOR}/_emulator/users`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (res.status !== 201) throw new Error(`emulator refused to create a user: ${res.status}`)
  return res.json()
}

export async function seededUsers(): Promise<TestUser[]> {
  return (await fetch(`${EMULATOR}/_emulator/users`)).json()
}

export interface EmulatedMfaState {
  enabled: boolean
  registered: boolean
  pending: boolean
}

export async function mfaState(userId: string): Promise<EmulatedMfaState> {
  const res = await fetch(`${EMULATOR}/_emulator/users/${userId}`)
  return ((await res.json()) as { mfa: EmulatedMfaState }).mfa
}

/** Injects faults into the SaaSus calls of requests that carry this trace id. */
export async function injectFaults(traceId: string, faults: Record<string, number>): Promise<void> {
  const res = await fetch(`${EMULATOR}/_emulator/faults?traceId=${encodeURIComponent(traceId)}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(faults),
  })
  if (!res.ok) throw new Error(`emulator refused faults: ${res.status}`)
}

/** The code an authenticator app shows now for a base32 secret. */
export function currentCode(secret: string): string {
  return new TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 }).generate()
}

/** A code that is certainly not accepted now (the current one, with its first digit changed). */
export function wrongCode(secret: string): string {
  const code = currentCode(secret)
  return `${(Number(code[0]) + 5) % 10}${code.slice(1)}`
}

export function secretOf(qrCodeUrl: string): string {
  const secret = new URL(qrCodeUrl).searchParams.get('secret')
  if (!secret) throw new Error('no secret in the key URI')
  return secret
}

export const bearer = (user: TestUser) => ({ Authorization: `Bearer ${user.id_token}` })
export const withAccessToken = (user: TestUser) => ({ ...bearer(user), 'X-Access-Token': user.access_token })
