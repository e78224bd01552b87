/**
 * The routes' side of the account objects (./protocol.ts): one function per
 * operation. It asks the caller's object to admit the operation, makes the
 * operation's SaaSus call here in the Worker (the route's own call, with its
 * client, trace headers and log), then tells the object how that call ended.
 * The object answers and never calls back. Refusals become this API's errors
 * here; an object that cannot be reached (or whose transaction failed) is
 * `503 storage_unavailable`; a failed SaaSus call is answered with the error it
 * threw, as the route would answer it without storage.
 */

import { ApiError, type ErrorCode } from '../../shared/errors'
import type { AppEnv } from '../app-env'
import { countStorageCall, storageCall as storage } from '../storage/call'
import type { Unavailable } from '../storage/faults'
import { accountObject, recoveryIndex } from './objects'
import type { Caller, Outcome, RecoveryIndexRpc, UpstreamOutcome, UserAccountRpc } from './protocol'

/** What of a route's context the gateway reads: any route of the app's env passes. */
interface Ctx {
  env: Env
  get<Key extends 'user' | 'requestId' | 'storageCalls' | 'tenant'>(key: Key): AppEnv['Variables'][Key]
  req: { raw: Request; header(name: string): string | undefined }
  set(key: 'storageCalls', value: number): void
}

/** The client's country (Cloudflare's) and user agent, when known: what an event says of where it came from. */
export function clientOf(req: Ctx['req']): { country?: string; userAgent?: string } {
  const country = req.raw.cf?.country
  const userAgent = req.header('User-Agent')
  return {
    ...(typeof country === 'string' && country ? { country } : {}),
    ...(userAgent ? { userAgent } : {}),
  }
}

function callerOf(c: Ctx, userId: string): Caller {
  return { userId, now: Date.now(), requestId: c.get('requestId'), ...clientOf(c.req) }
}

/** An object's answer, or the API error its refusal stands for; `wrongCode` is what a wrong code is on this route. */
function admitted<T extends object>(
  outcome: Exclude<Outcome<T>, Unavailable>,
  wrongCode: ErrorCode = 'invalid_verification_code',
): T {
  if ('ok' in outcome) return outcome
  switch (outcome.refused) {
    case 'locked':
      throw new ApiError('too_many_attempts', { headers: { 'Retry-After': String(outcome.retryAfterSeconds) } })
    case 'wrong_code':
      throw new ApiError(wrongCode)
    case 'step_up_unavailable':
      throw new ApiError('step_up_unavailable')
    case 'not_registered':
      throw new ApiError('mfa_not_registered')
  }
}

/** How the route's SaaSus call ended, for the object; the error it threw stays here, to answer with. */
type Called = { outcome: 'ok' } | { outcome: Exclude<UpstreamOutcome, 'ok'>; error: unknown }

/** Makes the SaaSus call; an ApiError of code `wrongCode` is a wrong code, an attempt that counts. */
async function call(saasus: () => Promise<void>, wrongCode?: ErrorCode): Promise<Called> {
  try {
    await saasus()
    return { outcome: 'ok' }
  } catch (error) {
    const counted = wrongCode !== undefined && error instanceof ApiError && error.code === wrongCode
    return { outcome: counted ? 'wrong_code' : 'failed', error }
  }
}

/**
 * Tells the object how the call ended (`record`), then throws the call's own
 * error if it failed. After an outage the object only ends a reservation: if it
 * cannot be told, the reservation lapses, and SaaSus's error is still the answer.
 */
async function report(called: Called, record: () => Promise<unknown>): Promise<void> {
  if (called.outcome === 'failed') {
    await record().catch(() => undefined)
    throw called.error
  }
  await record()
  if (called.outcome === 'wrong_code') throw called.error
}

/** The signed-in user's account object, for the routes that have `requireUser`. */
export function accountOf(c: Ctx) {
  const userId = c.get('user').id
  const stub: UserAccountRpc = accountObject(c.env, userId)
  const caller = callerOf(c, userId)

  return {
    /**
     * Admitted first (any step-up code checked), so SaaSus mints no secret while the object is out of
     * reach; then `mint` (SaaSus's secret-code call); the object keeps the secret it returns.
     */
    async setup(stepUp: string | null, mint: () => Promise<string>): Promise<string> {
      admitted(await storage(c, 'admitSetup', () => stub.admitSetup(caller, stepUp)))
      const secret = await mint()
      await storage(c, 'recordSetup', () => stub.recordSetup(caller, secret))
      return secret
    },

    /** `check` (SaaSus's verification) as a counted attempt. */
    async verify(code: string, check: () => Promise<void>): Promise<void> {
      const { reservation } = admitted(await storage(c, 'admitVerify', () => stub.admitVerify(caller)))
      const called = await call(check, 'invalid_verification_code')
      await report(called, () =>
        storage(c, 'recordVerify', () => stub.recordVerify(caller, reservation, called.outcome, code)),
      )
    },

    async enable(apply: () => Promise<void>): Promise<void> {
      admitted(await storage(c, 'admitEnable', () => stub.admitEnable()))
      await apply()
      await storage(c, 'recordEnabled', () => stub.recordEnabled(caller))
    },

    async disable(stepUp: string | null, apply: () => Promise<void>): Promise<void> {
      admitted(await storage(c, 'admitDisable', () => stub.admitDisable(caller, stepUp)))
      await apply()
      await storage(c, 'recordDisabled', () => stub.recordDisabled(caller))
    },

    async createRecoveryCodes(stepUp: string | null, hashes: readonly string[]): Promise<void> {
      const outcome = await storage(c, 'createRecoveryCodes', () => stub.createRecoveryCodes(caller, stepUp, hashes))
      // The object indexed the codes on the way: a second round trip.
      if ('ok' in outcome) countStorageCall(c)
      admitted(outcome)
    },

    /** A step-up code for a change kept elsewhere (a tenant's policy): checked and spent here. */
    async confirmStepUp(stepUp: string | null): Promise<void> {
      if (stepUp === null) return
      admitted(await storage(c, 'checkStepUp', () => stub.checkStepUp(caller, stepUp)))
    },

    recoveryCodes: () => storage(c, 'recoveryCodes', () => stub.recoveryCodes()),

    events: async () => (await storage(c, 'events', () => stub.events(caller.now))).events,
  }
}

/**
 * `POST /tenants/{tenant_id}/members/{user_id}/mfa_reset`: a tenant admin (the signed-in user)
 * turns a member's MFA off. The member's object forgets the registration, `apply` turns MFA off at
 * SaaSus, then the object deletes the member's codes and secrets with the event naming the admin.
 */
export async function resetMemberMfa(c: Ctx, memberId: string, apply: () => Promise<void>): Promise<void> {
  const stub: UserAccountRpc = accountObject(c.env, memberId)
  const caller = { ...callerOf(c, memberId), actorId: c.get('user').id, tenantId: c.get('tenant').id }
  await storage(c, 'admitReset', () => stub.admitReset(caller))
  await apply()
  await storage(c, 'recordResetByAdmin', () => stub.recordResetByAdmin(caller))
}

/**
 * `POST /mfa_recover`: finds the code's owner in the index; their object holds
 * the code while `apply(userId)` turns MFA off at SaaSus, then spends it.
 */
export async function recoverWithCode(
  c: Ctx,
  hash: string,
  apply: (userId: string) => Promise<void>,
): Promise<{ userId: string }> {
  const index: RecoveryIndexRpc = recoveryIndex(c.env)
  const { userId } = await storage(c, 'ownerOf', () => index.ownerOf(hash))
  if (userId === null) throw new ApiError('invalid_recovery_code')
  const stub: UserAccountRpc = accountObject(c.env, userId)
  const caller = callerOf(c, userId)
  admitted(await storage(c, 'admitRecover', () => stub.admitRecover(caller, hash)), 'invalid_recovery_code')
  const called = await call(() => apply(userId))
  await report(called, async () =>
    admitted(
      await storage(c, 'recordRecovered', () => stub.recordRecovered(caller, hash, called.outcome)),
      'invalid_recovery_code',
    ),
  )
  return { userId }
}
