/**
 * Step-up for risky changes (MFA_STEP_UP = required): turning MFA off, new
 * recovery codes, and a new authenticator while MFA is on need a current code
 * of the user's authenticator. This middleware decides whether one is needed
 * and reads it; the account object checks it (src/core/account/user-account.ts).
 * `c.get('stepUpCode')` is the code, or null when none is needed.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { ApiError } from '../../shared/errors'
import type { AppEnv } from '../app-env'
import { documented } from '../openapi/describe'
import { SIX_DIGIT_CODE } from '../schemas'
import { upstream } from '../upstream'

/** Whether SaaSus has MFA on for the caller (one read of the preference). */
async function mfaEnabled(c: Context<AppEnv>): Promise<boolean> {
  const preference = await upstream(c.get('saasus').getMfaPreference(c.get('user').id), {
    unauthorized: 'upstream_error',
  })
  return preference.enabled
}

/** Whether a risky change needs a code: MFA_STEP_UP is required, and (if asked) SaaSus has the caller's MFA on. */
async function stepUpNeeded(c: Context<AppEnv>, onlyWhenMfaEnabled: boolean): Promise<boolean> {
  return c.get('settings').stepUp === 'required' && (!onlyWhenMfaEnabled || (await mfaEnabled(c)))
}

/** `verification_code` of a JSON body (checked as JSON by `jsonBody`), or undefined; an empty body has none. */
async function codeInBody(c: Context<AppEnv>): Promise<unknown> {
  const text = await c.req.text()
  if (text.trim() === '') return undefined
  const body: unknown = JSON.parse(text)
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>).verification_code : undefined
}

export interface StepUpOptions {
  /** Where the code is: `verification_code` of the JSON body, or the `X-Verification-Code` header. */
  from: 'body' | 'header'
  /** Ask only when SaaSus has MFA on (a new authenticator while none is on replaces nothing). @default false */
  onlyWhenMfaEnabled?: boolean
}

/**
 * @example routes.post('/mfa_disable', requireUser(), jsonBody(), stepUp({ from: 'body' }), handler)
 */
export const stepUp = (options: StepUpOptions): MiddlewareHandler<AppEnv> => {
  const field = options.from === 'header' ? 'X-Verification-Code' : 'verification_code'
  return documented(
    async function stepUpHandler(c, next) {
      c.set('stepUpCode', null)
      if (await stepUpNeeded(c, options.onlyWhenMfaEnabled ?? false)) {
        const code = options.from === 'header' ? c.req.header('X-Verification-Code')?.trim() : await codeInBody(c)
        if (code === undefined || code === '') throw new ApiError('step_up_required')
        if (typeof code !== 'string' || !SIX_DIGIT_CODE.test(code)) {
          throw new ApiError('invalid_request', { field: { name: field, problem: 'must be six digits' } })
        }
        c.set('stepUpCode', code)
      }
      await next()
    },
    {
      parameters: options.from === 'header' ? ['VerificationCode'] : [],
      errors: [
        'invalid_request',
        'step_up_required',
        'step_up_unavailable',
        'invalid_verification_code',
        'too_many_attempts',
      ],
    },
  )
}

/**
 * For a risky change a handler decides on itself (a tenant's requirement turned off): the code the
 * caller sent, when MFA_STEP_UP is required and their MFA is on (else `403 step_up_required`), or
 * null when none is needed. The code, already checked as six digits, is then the account object's to check.
 */
export async function stepUpCode(c: Context<AppEnv>, code: string | undefined): Promise<string | null> {
  if (!(await stepUpNeeded(c, true))) return null
  if (code === undefined) throw new ApiError('step_up_required')
  return code
}

/** `409 mfa_not_enabled` unless SaaSus has MFA on for the caller. */
export const requireMfaEnabled = (): MiddlewareHandler<AppEnv> =>
  documented(
    async function requireMfaEnabledHandler(c, next) {
      if (!(await mfaEnabled(c))) throw new ApiError('mfa_not_enabled')
      await next()
    },
    { errors: ['mfa_not_enabled'] },
  )
