/**
 * What the tests share: calling the API under test (through its front, as a
 * browser does; vitest.config.ts), and the emulator's users.
 * Every fetch from inside the test worker to api.saasus.io reaches the SaaSus
 * emulator, through the same outbound wiring the API's own SaaSus calls use.
 * Faults and call counts, per trace id, are in trace.ts; the session routes'
 * sign-in in sign-in.ts.
 */
import { env, exports } from 'cloudflare:workers'
import { TOTP } from 'otpauth'
import { app } from '../../src/core/app'
import { front } from '../../src/front/app'
import { ALLOWED_ORIGINS, FRONT_BINDINGS, SPA_ORIGIN } from './bindings'
import type { SpaTarget } from './sample-spa'

export const API = 'https://mfa.example.com'
export const EMULATOR = 'https://api.saasus.io'
export { SPA_ORIGIN } from './bindings'

/** The front worker beside the core (vitest.config.ts), its CORE binding pointing at the core. */
const FRONT = (env as unknown as { FRONT: Fetcher }).FRONT
/** public/ as the front's assets binding serves it, for the front run in-process (vitest.config.ts). */
const PUBLIC_FILES = (env as unknown as { PUBLIC_FILES: Fetcher }).PUBLIC_FILES

/** Sends a request to the API through its front, optionally with settings overriding the configs'. */
export function call(path: string, init: RequestInit = {}, settings: Record<string, string> = {}): Promise<Response> {
  if (Object.keys(settings).length === 0) return FRONT.fetch(new Request(`${API}${path}`, init))
  return apiWith(settings)(path, init)
}

/** The core alone, as the front's CORE binding reaches it: for what only the core can be asked. */
export function callCore(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${API}${path}`, init))
}

/** The front's settings (wrangler.toml [vars]); the rest are the core's. REQUEST_LOG is read by both. */
const FRONT_SETTINGS = new Set(Object.keys({ ...FRONT_BINDINGS, ALLOWED_ORIGINS }))

/** The API under test and the emulator, as the sample SPA's replays (sample-spa.ts) reach them here. */
export const spaTarget: SpaTarget = {
  api: (path, init) => call(path, init),
  emulator: (path, init) => fetch(`${EMULATOR}${path}`, init),
  origin: SPA_ORIGIN,
}

/**
 * The API with some settings overridden (e.g. a short SAASUS_TIMEOUT_MS), same
 * bindings: the front and the core run in this isolate, each with the settings it
 * reads, the front's CORE calling this core. Keep the returned function: settings
 * are parsed once per env object.
 */
export function apiWith(
  vars: Partial<Record<keyof Env | keyof FrontEnv, string>>,
  /**
   * Sees each request the front forwards, as the core receives it. What it returns or throws stands
   * for a core that is broken: the runtime's answer in the core's place, or an unreachable binding.
   */
  onForward: (request: Request) => Response | undefined = () => undefined,
  /** The front to call: src/front/app.ts `front`, or another build of it (its app alone, say). */
  through: Pick<typeof front, 'request'> = front,
) {
  const coreEnv = { ...env, ...vars }
  const frontVars = Object.fromEntries(Object.entries(vars).filter(([name]) => FRONT_SETTINGS.has(name)))
  const core = {
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init)
      return onForward(request.clone()) ?? app.fetch(request, coreEnv)
    },
  } as unknown as Fetcher
  const frontEnv = { ...FRONT_BINDINGS, ALLOWED_ORIGINS, ...frontVars, CORE: core, ASSETS: PUBLIC_FILES }
  return async (path: string, init: RequestInit = {}) => through.request(`${API}${path}`, init, frontEnv)
}

export interface TestUser {
  id: string
  email: string
  sign_in_id: string
  id_token: string
  access_token: string
}

export interface NewUser {
  email?: string
  sign_in_id?: string
  roles?: string[]
  /** How long the user's ID tokens live; the emulator's default is a day. */
  id_token_lifetime_seconds?: number
  /** The tenants the user is in, with their roles in env 1 (or per env); absent: the seeded tenant. */
  tenants?: { id: string; roles?: string[]; envs?: { id: number; roles: string[] }[] }[]
}

/**
 * A fresh emulator user (a random e-mail unless told otherwise), so that test
 * files running side by side never share state.
 */
export async function freshUser(identity: NewUser = {}): Promise<TestUser> {
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

/** The users the emulator starts with (alice@example.com, bob+mfa@example.com, carol_signin, dave@example.com). */
export async function seededUsers(): Promise<TestUser[]> {
  return (await fetch(`${EMULATOR}/_emulator/users`)).json()
}

export interface EmulatedMfaState {
  enabled: boolean
  registered: boolean
  pending: boolean
}

/** What SaaSus holds for a user: the ground truth a route's answer is checked against. */
export async function mfaState(userId: string): Promise<EmulatedMfaState> {
  const res = await fetch(`${EMULATOR}/_emulator/users/${userId}`)
  return ((await res.json()) as { mfa: EmulatedMfaState }).mfa
}

/** The code an authenticator app shows `steps` steps of 30 s from now, for a base32 secret. */
export function codeAt(secret: string, steps: number): string {
  return new TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 }).generate({
    timestamp: Date.now() + steps * 30_000,
  })
}

/** The code an authenticator app shows now. */
export const currentCode = (secret: string): string => codeAt(secret, 0)

/** A code the emulator accepts for none of the steps around now. */
export function wrongCode(secret: string): string {
  const accepted = new Set([-1, 0, 1].map((steps) => codeAt(secret, steps)))
  // At most four tries: only three codes are accepted.
  for (let n = 0; n < 4; n++) {
    const code = String(n).padStart(6, '0')
    if (!accepted.has(code)) return code
  }
  throw new Error('unreachable: three accepted codes cannot cover four')
}

export function secretOf(qrCodeUrl: string): string {
  const secret = new URL(qrCodeUrl).searchParams.get('secret')
  if (!secret) throw new Error('no secret in the key URI')
  return secret
}

/**
 * Waits, when the current minute has less than `needMs` left, for the next one. The Rate Limiting
 * binding counts in windows aligned to the wall clock (Miniflare: floor(now / period)), so a test
 * that spends a minute's budget and expects the next request refused must not straddle a window's end.
 */
export async function clearOfLimitWindowEnd(needMs = 4_000, periodMs = 60_000): Promise<void> {
  const left = periodMs - (Date.now() % periodMs)
  if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 50))
}

export const bearer = (user: TestUser) => ({ Authorization: `Bearer ${user.id_token}` })
export const withAccessToken = (user: TestUser) => ({ ...bearer(user), 'X-Access-Token': user.access_token })

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

/** The error code of an error response. */
export async function codeOf(res: Response): Promise<string> {
  return ((await res.json()) as { code: string }).code
}
