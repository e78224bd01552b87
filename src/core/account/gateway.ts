/**
 * The routes' side of the account objects: one RPC per operation to the
 * caller's object, with the SaaSus call of the operation passed along as a
 * function the object calls back when its own checks pass. What comes back is
 * turned into this API's errors here; an object that cannot be reached (or whose
 * transaction failed) is `503 storage_unavailable`, and the SaaSus error of a
 * failed call is answered as the route would answer it without storage.
 */
import type { AppEnv } from '../app-env'
import { ApiError, type ErrorCode } from '../../shared/errors'
import { accountObject, recoveryIndex } from './objects'
import type { Caller, Outcome, UpstreamOutcome } from './protocol'

/** What of a route's context the gateway reads: any route of the app's env passes. */
interface Ctx {
  env: Env
  get<Key extends 'user' | 'requestId' | 'storageCalls'>(key: Key): AppEnv['Variables'][Key]
  req: { raw: Request; header(name: string): string | undefined }
  set(key: 'storageCalls', value: number): void
}

/** A SaaSus call made on the object's request; its error is kept for the answer. */
class UpstreamStep {
  failure: unknown

  constructor(
    private readonly call: () => Promise<unknown>,
    /** The error code that means "a wrong code": an attempt that counts. */
    private readonly countedAs?: ErrorCode,
  ) {}

  readonly run = async (): Promise<UpstreamOutcome> => {
    try {
      await this.call()
      return 'ok'
    } catch (error) {
      this.failure = error
      return error instanceof ApiError && error.code === this.countedAs ? 'refused' : 'failed'
    }
  }
}

function callerOf(c: Ctx, userId: string): Caller {
  const country = c.req.raw.cf?.country
  const userAgent = c.req.header('User-Agent')
  return {
    userId,
    now: Date.now(),
    requestId: c.get('requestId'),
    ...(typeof country === 'string' && country ? { country } : {}),
    ...(userAgent ? { userAgent } : {}),
  }
}

/** Counts a storage round trip for the request log, and maps an unreachable object to 503. */
async function storage<T>(c: Ctx, operation: string, run: () => Promise<T>): Promise<T> {
  c.set('storageCalls', (c.get('storageCalls') ?? 0) + 1)
  try {
    return await run()
  } catch (error) {
    // The error's own words, bounded and reduced to plain characters: it never carries a request's data.
    const cause =
      error instanceof Error ? `${error.name}: ${error.message}`.replace(/[^\w .:-]/g, '_').slice(0, 120) : 'unknown'
    console.error(JSON.stringify({ level: 'error', event: 'storage_failed', operation, cause }))
    throw new ApiError('storage_unavailable', { cause: error })
  }
}

/** An RPC's answer as the plain outcome it is (RPC types wrap each member of a union on its own). */
const asOutcome = async (answer: PromiseLike<Outcome>): Promise<Outcome> => await answer

/** Throws the API error an outcome stands for; `wrongCode` names what a wrong code is on this route. */
function settle(outcome: Outcome, wrongCode: ErrorCode, step?: UpstreamStep): void {
  if ('ok' in outcome) return
  switch (outcome.refused) {
    case 'locked':
      throw new ApiError('too_many_attempts', { headers: { 'Retry-After': String(outcome.retryAfterSeconds) } })
    case 'wrong_code':
      // A wrong code at SaaSus: its own error (invalid_verification_code), as without storage.
      throw step?.failure ?? new ApiError(wrongCode)
    case 'step_up_unavailable':
      throw new ApiError('step_up_unavailable')
    case 'not_registered':
      throw new ApiError('mfa_not_registered')
    case 'upstream':
      throw step?.failure ?? new ApiError('internal_error')
  }
}

/** The signed-in user's account object, for the routes that have `requireUser`. */
export function accountOf(c: Ctx) {
  const userId = c.get('user').id
  const stub = accountObject(c.env, userId)
  const caller = callerOf(c, userId)

  return {
    /** Runs `mint` (the SaaSus secret-code call) once any step-up passed, and keeps the secret it returns. */
    async setup(stepUp: string | null, mint: () => Promise<string>): Promise<string> {
      let secret: string | undefined
      const step = new UpstreamStep(async () => {
        secret = await mint()
      })
      const outcome = await storage(c, 'setup', () =>
        asOutcome(stub.setup(caller, stepUp, async () => ((await step.run()) === 'ok' ? (secret ?? null) : null))),
      )
      settle(outcome, 'invalid_verification_code', step)
      if (secret === undefined) throw new ApiError('internal_error')
      return secret
    },

    /** Runs `check` (the SaaSus verification) as a counted attempt. */
    async verify(code: string, check: () => Promise<void>): Promise<void> {
      const step = new UpstreamStep(check, 'invalid_verification_code')
      settle(
        await storage(c, 'verify', () => asOutcome(stub.verify(caller, code, step.run))),
        'invalid_verification_code',
        step,
      )
    },

    async enable(apply: () => Promise<void>): Promise<void> {
      const step = new UpstreamStep(apply)
      settle(
        await storage(c, 'enable', () => asOutcome(stub.enable(caller, step.run))),
        'invalid_verification_code',
        step,
      )
    },

    async disable(stepUp: string | null, apply: () => Promise<void>): Promise<void> {
      const step = new UpstreamStep(apply)
      settle(
        await storage(c, 'disable', () => asOutcome(stub.disable(caller, stepUp, step.run))),
        'invalid_verification_code',
        step,
      )
    },

    async createRecoveryCodes(stepUp: string | null, hashes: readonly string[]): Promise<void> {
      const outcome = await storage(c, 'create_recovery_codes', () =>
        asOutcome(stub.createRecoveryCodes(caller, stepUp, hashes)),
      )
      // The object indexed the codes on the way: a second round trip.
      if ('ok' in outcome) c.set('storageCalls', (c.get('storageCalls') ?? 0) + 1)
      settle(outcome, 'invalid_verification_code')
    },

    recoveryCodes: () => storage(c, 'recovery_codes', () => stub.recoveryCodes()),

    events: () => storage(c, 'events', () => stub.events(caller.now)),
  }
}

/**
 * `POST /mfa_recover`: finds the code's owner in the index, then has their
 * object spend it, turning MFA off at SaaSus with `apply(userId)` in between.
 */
export async function recoverWithCode(
  c: Ctx,
  hash: string,
  apply: (userId: string) => Promise<void>,
): Promise<{ userId: string }> {
  const userId = await storage(c, 'recovery_index', () => recoveryIndex(c.env).ownerOf(hash))
  if (userId === null) throw new ApiError('invalid_recovery_code')
  const stub = accountObject(c.env, userId)
  const step = new UpstreamStep(() => apply(userId))
  settle(
    await storage(c, 'recover', () => asOutcome(stub.recover(callerOf(c, userId), hash, step.run))),
    'invalid_recovery_code',
    step,
  )
  return { userId }
}
