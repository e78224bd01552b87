/**
 * What the tests share: calling the API under test, and talking to the SaaSus
 * emulator (every fetch from inside the test worker to api.saasus.io reaches it,
 * through the same outbound wiring the API's own SaaSus calls use).
 */
import { env, exports } from 'cloudflare:workers'
import { TOTP } from 'otpauth'
import type { DialectName, Table } from '../../emulator/src/dialects'
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

/**
 * The API with some settings overridden (e.g. a short SAASUS_TIMEOUT_MS), same
 * bindings. Keep the returned function: settings are parsed once per env object.
 */
export function apiWith(vars: Partial<Record<keyof Env, string>>) {
  const overridden = { ...env, ...vars }
  return (path: string, init: RequestInit = {}) => app.request(`${API}${path}`, init, overridden)
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

/** A code the emulator accepts for none of the steps around now. */
export function wrongCode(secret: string): string {
  const totp = new TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 })
  const now = Date.now()
  const accepted = new Set([-30_000, 0, 30_000].map((offset) => totp.generate({ timestamp: now + offset })))
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, '0')
    if (!accepted.has(code)) return code
  }
}

export function secretOf(qrCodeUrl: string): string {
  const secret = new URL(qrCodeUrl).searchParams.get('secret')
  if (!secret) throw new Error('no secret in the key URI')
  return secret
}

export const bearer = (user: TestUser) => ({ Authorization: `Bearer ${user.id_token}` })
export const withAccessToken = (user: TestUser) => ({ ...bearer(user), 'X-Access-Token': user.access_token })

export interface Faults {
  latencyMs?: number
  spikeRate?: number
  spikeMs?: number
  serverErrorRate?: number
  dropRate?: number
  malformedRate?: number
  stallRate?: number
  failNext?: number
  methods?: ('GET' | 'POST' | 'PUT' | 'PATCH')[]
  /** The words refusals come in: a dialect's name (emulator/src/dialects.ts) or a table of answers. */
  dialect?: DialectName | Table
}

/**
 * A new trace id whose SaaSus calls get these faults, and no others: an empty
 * set still shields the trace from faults another file sets for every call.
 */
export async function tracedFaults(faults: Faults = {}): Promise<string> {
  const traceId = `hostile-${crypto.randomUUID()}`
  const res = await fetch(`${EMULATOR}/_emulator/faults?traceId=${traceId}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(faults),
  })
  if (!res.ok) throw new Error(`emulator refused faults: ${res.status}`)
  return traceId
}

/** How many of a trace's `failNext` faults are left: each SaaSus call of the trace spends one. */
export async function failNextLeft(traceId: string): Promise<number> {
  const res = await fetch(`${EMULATOR}/_emulator/faults?traceId=${traceId}`)
  return ((await res.json()) as { failNext: number }).failNext
}

/**
 * A trace id that counts SaaSus calls: `callsMade(traceId)` says how many of
 * the first 100 were made (each is answered 503, so only use it where no call
 * is expected).
 */
export const countingTrace = () => tracedFaults({ failNext: 100 })
export const callsMade = async (traceId: string) => 100 - (await failNextLeft(traceId))

/** GET /mfa_setup for the user; returns the new secret. */
export async function setup(user: TestUser, headers: Record<string, string> = {}): Promise<string> {
  const res = await call('/mfa_setup', { headers: { ...withAccessToken(user), ...headers } })
  if (res.status !== 200) throw new Error(`setup failed: ${res.status}`)
  return secretOf(((await res.json()) as { qrCodeUrl: string }).qrCodeUrl)
}

export function verify(user: TestUser, code: string, headers: Record<string, string> = {}) {
  return call('/mfa_verify', {
    method: 'POST',
    headers: { ...withAccessToken(user), 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ verification_code: code }),
  })
}
