/**
 * Account protection beyond the samples' five routes (docs/account-protection.md):
 * recovery codes, recovery without a token, and the security activity. State is
 * in the user's account object (src/core/account/); every route but `/mfa_recover`
 * needs the bearer ID token.
 */
import { Hono } from 'hono'
import { ApiError } from '../../shared/errors'
import { ROUTES } from '../../shared/routes'
import { accountOf, recoverWithCode } from '../account/gateway'
import { newRecoveryCodeSet, normalizeRecoveryCode, recoveryCodeHash } from '../account/recovery-code'
import type { AppEnv } from '../app-env'
import {
  type EventsResponse,
  eventsResponse,
  type MessageResponse,
  messageResponse,
  type RecoveryCodesResponse,
  type RecoveryCodesStatusResponse,
  recoverRequest,
  recoveryCodesResponse,
  recoveryCodesStatusResponse,
  stepUpRequest,
} from '../schemas'
import { UPSTREAM_ERRORS, upstream } from '../upstream'
import { guarded } from './route'

const EXAMPLE_CODES = ['7KQM-X2HD-9RTW-C4NP', 'M3ZV-8QJE-2YHA-KT6R']
const iso = (epochMs: number) => new Date(epochMs).toISOString()

const { createRecoveryCodes, getRecoveryCodes, recoverWithCode: recover, getMfaEvents } = ROUTES

export const accountRoutes = new Hono<AppEnv>()
  .on(
    createRecoveryCodes.method,
    createRecoveryCodes.path,
    guarded(createRecoveryCodes, {
      summary: 'Ten new single-use recovery codes, replacing any earlier ones (MFA must be on)',
      description:
        'Shown once: only their hashes are kept. Each turns MFA off through `POST /mfa_recover` when the ' +
        'authenticator is lost. With `MFA_STEP_UP=required` it needs a current code of the authenticator.',
      requestBody: { schema: stepUpRequest, optional: true, example: { verification_code: '123456' } },
      response: {
        schema: recoveryCodesResponse,
        example: { recovery_codes: [...EXAMPLE_CODES, '…'] },
        headers: { 'Cache-Control': 'no-store' },
      },
      errors: ['storage_unavailable'],
    }),
    async (c) => {
      const { codes, hashes } = await newRecoveryCodeSet()
      await accountOf(c).createRecoveryCodes(c.get('stepUpCode'), hashes)
      c.header('Cache-Control', 'no-store')
      return c.json({ recovery_codes: codes } satisfies RecoveryCodesResponse)
    },
  )

  .on(
    getRecoveryCodes.method,
    getRecoveryCodes.path,
    guarded(getRecoveryCodes, {
      summary: 'How many recovery codes are left, and when they were made; never the codes',
      response: {
        schema: recoveryCodesStatusResponse,
        example: { remaining: 10, created_at: '2026-11-30T09:00:00.000Z' },
      },
      errors: ['storage_unavailable'],
    }),
    async (c) => {
      const { remaining, createdAt } = await accountOf(c).recoveryCodes()
      return c.json({
        remaining,
        created_at: createdAt === null ? null : iso(createdAt),
      } satisfies RecoveryCodesStatusResponse)
    },
  )

  .on(
    recover.method,
    recover.path,
    guarded(recover, {
      summary: 'Turns MFA off with a recovery code, for a user who lost the authenticator (no bearer)',
      description:
        'Spends the code once and deletes the user\u2019s other codes; the user then signs in with the password ' +
        'and sets up an authenticator again. If SaaSus fails, the code is not spent. Limited per client ' +
        'address and overall; wrong codes also count against their owner.',
      requestBody: { schema: recoverRequest, example: { recovery_code: EXAMPLE_CODES[0] } },
      response: {
        schema: messageResponse,
        example: { message: 'MFA has been turned off; sign in and set up an authenticator again' },
      },
      // Its one SaaSus call (turning MFA off) may fail as any may.
      errors: [
        'invalid_request',
        'invalid_recovery_code',
        'too_many_attempts',
        'storage_unavailable',
        ...UPSTREAM_ERRORS,
      ],
    }),
    async (c) => {
      const normalized = normalizeRecoveryCode(c.req.valid('json').recovery_code)
      if (normalized === undefined) throw new ApiError('invalid_recovery_code')
      // The API's own SaaSus credentials turn MFA off for the code's owner; no user token is needed.
      await recoverWithCode(c, await recoveryCodeHash(normalized), (userId) =>
        upstream(c.get('saasus').updateMfaPreference(userId, { enabled: false, method: 'softwareToken' }), {
          unauthorized: 'upstream_error',
        }),
      )
      return c.json({
        message: 'MFA has been turned off; sign in and set up an authenticator again',
      } satisfies MessageResponse)
    },
  )

  .on(
    getMfaEvents.method,
    getMfaEvents.path,
    guarded(getMfaEvents, {
      summary: "The caller's security activity of the last 90 days, newest first",
      description:
        'Authenticator set up and registered, MFA enabled and disabled, recovery codes created and used, ' +
        'step-up failed, locked out (of codes, or of recovery codes). Repeats of an event within a day share ' +
        'one entry with a `count`. Evidence (MFA turned off, a recovery code used, a failed step-up, a lockout) ' +
        'is kept for all 90 days; of the other entries, the newest 50. No secret, code, token or IP address is kept.',
      response: {
        schema: eventsResponse,
        example: {
          events: [
            {
              type: 'mfa_enabled',
              at: '2026-11-30T09:01:00.000Z',
              first_at: '2026-11-30T09:01:00.000Z',
              count: 1,
              country: 'JP',
              user_agent: 'Mozilla/5.0 …',
            },
            {
              type: 'authenticator_registered',
              at: '2026-11-30T09:00:30.000Z',
              first_at: '2026-11-30T09:00:30.000Z',
              count: 1,
              country: 'JP',
            },
          ],
        },
      },
      errors: ['storage_unavailable'],
    }),
    async (c) => {
      const events = await accountOf(c).events()
      return c.json({
        events: events.map((event) => ({
          type: event.type,
          at: iso(event.at),
          first_at: iso(event.firstAt),
          count: event.count,
          ...(event.country ? { country: event.country } : {}),
          ...(event.userAgent ? { user_agent: event.userAgent } : {}),
          ...(event.actorId ? { actor_id: event.actorId } : {}),
        })),
      } satisfies EventsResponse)
    },
  )
