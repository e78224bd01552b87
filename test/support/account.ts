/**
 * What the account-protection tests share: enrolled users, codes of the
 * authenticator at a given step, the new routes, and the account objects
 * themselves (for injected storage faults and a look at what they store).
 */
import { env } from 'cloudflare:workers'
import { accountObject, recoveryIndex } from '../../src/core/account/objects'
import { apiWith, bearer, call, currentCode, freshUser, setup, type TestUser, verify } from './harness'

export type Api = (path: string, init?: RequestInit) => Response | Promise<Response>

/** The API with MFA_STEP_UP=required (keep one per file: settings are parsed once per env object). */
export const withStepUp = () => apiWith({ MFA_STEP_UP: 'required' })

export interface Enrolled {
  user: TestUser
  secret: string
}

/** A fresh user with an authenticator registered through the API (so it keeps the secret) and MFA on. */
export async function enrolledUser(api: Api = call): Promise<Enrolled> {
  const user = await freshUser()
  const secret = await setup(user)
  const verified = await verify(user, currentCode(secret))
  if (verified.status !== 200) throw new Error(`verify failed: ${verified.status}`)
  const enabled = await api('/mfa_enable', { method: 'POST', headers: bearer(user) })
  if (enabled.status !== 200) throw new Error(`enable failed: ${enabled.status}`)
  return { user, secret }
}

export const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(body),
})

/** POST /mfa_recovery_codes; the codes, or throws with the status. */
export async function createRecoveryCodes(user: TestUser, api: Api = call, body: unknown = {}): Promise<string[]> {
  const res = await api('/mfa_recovery_codes', json(body, bearer(user)))
  if (res.status !== 200) throw new Error(`recovery codes: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { recovery_codes: string[] }).recovery_codes
}

export const recover = (code: string, headers: Record<string, string> = {}) =>
  call('/mfa_recover', json({ recovery_code: code }, { ...freshAddress(), ...headers }))

/** The types of the caller's event entries, newest first. */
export const eventTypes = async (user: TestUser): Promise<string[]> => (await events(user)).map((event) => event.type)

export interface ListedEvent {
  type: string
  at: string
  first_at: string
  count: number
}

export async function events(user: TestUser): Promise<ListedEvent[]> {
  const res = await call('/mfa_events', { headers: bearer(user) })
  if (res.status !== 200) throw new Error(`events: ${res.status}`)
  return ((await res.json()) as { events: ListedEvent[] }).events
}

/** How many times an event of this type happened, over every entry that counts it. */
export const occurrences = async (user: TestUser, type: string) =>
  (await events(user)).filter((event) => event.type === type).reduce((sum, event) => sum + event.count, 0)

export const userAccount = (userId: string) => accountObject(env, userId)
export const recoveryIndexObject = () => recoveryIndex(env)

/**
 * A client address of its own: POST /mfa_recover is limited to 5 a minute per
 * address (an IPv6 one by its /64), and a test request has none unless it says (Cloudflare sets
 * it in production): a /64 of its own.
 */
export const freshAddress = () => ({ 'CF-Connecting-IP': `2001:db8:${crypto.randomUUID().slice(0, 4)}::1` })
