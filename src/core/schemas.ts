/**
 * The request and response shapes of the public API, as zod schemas: the routes
 * validate with them and their types are the contract clients build against.
 * Fields are only ever added, never changed or removed.
 */
import * as z from 'zod/mini'
import { ERRORS, type ErrorCode } from '../shared/errors'
import { OPAQUE_TOKEN } from '../shared/tokens'
import { EVENT_TYPES } from './account/protocol'
import { GRACE_DAYS_DEFAULT, GRACE_DAYS_MAX, TENANT_EVENT_TYPES } from './tenant/protocol'
import { DEAD_LETTER_ID } from './webhooks/message'

/** A code an authenticator app shows: six digits (the body field, and step-up's header). */
export const SIX_DIGIT_CODE = /^\d{6}$/
const verificationCode = z.string().check(z.regex(SIX_DIGIT_CODE, { error: 'must be six digits' }))

/** `POST /mfa_verify` body: the six digits the authenticator app shows now. */
export const verifyRequest = z.object({ verification_code: verificationCode })

/** `X-Access-Token`: the user's SaaSus access token, as sent at login. */
export const accessTokenHeader = z
  .string()
  .check(z.regex(OPAQUE_TOKEN), z.describe("The user's SaaSus access token (setup and verify need it)"))

/**
 * `POST /mfa_enable` and `/mfa_disable` body: the sample SPA posts `{}`; any JSON
 * (or no body) is accepted and ignored.
 */
export const emptyRequest = z.looseObject({})

/**
 * `POST /mfa_disable` and `POST /mfa_recovery_codes` body: `{}` or no body, and
 * with MFA_STEP_UP=required a current code of the authenticator.
 */
export const stepUpRequest = z.looseObject({
  verification_code: z.optional(
    verificationCode.check(z.describe('A current code of the authenticator; required when MFA_STEP_UP is required')),
  ),
})

/** `POST /mfa_recover` body: one of the user's recovery codes, as shown (case, spaces and hyphens do not matter). */
export const recoverRequest = z.object({
  recovery_code: z.string().check(z.describe('A recovery code, e.g. 7KQM-X2HD-9RTW-C4NP')),
})

export const recoveryCodesResponse = z.object({
  recovery_codes: z
    .array(z.string())
    .check(z.describe('Ten single-use codes; shown once, only their hashes are kept. Asking again replaces them all')),
})

export const recoveryCodesStatusResponse = z.object({
  remaining: z.number().check(z.int(), z.describe('Codes of the current set not used yet')),
  created_at: z.nullable(z.string().check(z.describe('When the current set was made (ISO 8601), or null for none'))),
})

export const eventsResponse = z.object({
  events: z
    .array(
      z.object({
        type: z.enum(EVENT_TYPES),
        at: z.string().check(z.describe('When it last happened (ISO 8601)')),
        first_at: z.string().check(z.describe('When it first happened (ISO 8601); `at` when `count` is 1')),
        count: z
          .number()
          .check(z.int(), z.minimum(1), z.describe('How many times it happened: repeats within a day share an entry')),
        country: z.optional(z.string().check(z.describe("The client's country (ISO 3166 alpha-2), if known"))),
        user_agent: z.optional(z.string()),
        actor_id: z.optional(
          z.string().check(z.describe('`mfa_reset_by_admin`: the user id of the tenant admin who reset it')),
        ),
      }),
    )
    .check(
      z.describe(
        'The past 90 days, newest first: every entry of evidence (MFA turned off, a recovery code used, step-up failed, ' +
          'a lockout), and the newest 50 others',
      ),
    ),
})

export const statusResponse = z.object({
  enabled: z.boolean(),
  /** Present when SaaSus reports it: the second factor MFA uses once enabled. */
  method: z.optional(z.enum(['softwareToken', 'email']).check(z.describe('The MFA method SaaSus reports, if any'))),
  required: z.boolean().check(z.describe("Whether a tenant of the caller's requires MFA of its members")),
  enroll_by: z.nullable(
    z
      .string()
      .check(
        z.describe(
          'While MFA is off and required: the earliest deadline among the tenants requiring it (ISO 8601); else null',
        ),
      ),
  ),
})

/** A path's tenant id, as answered back. */
const tenantId = z.string().check(z.describe('The SaaSus tenant id'))
const isoTime = (description: string) => z.string().check(z.describe(description))

/** `PUT /tenants/{tenant_id}/mfa_policy` body. */
export const policyRequest = z.object({
  required: z.boolean().check(z.describe('Whether every member of the tenant must turn MFA on')),
  grace_days: z._default(
    z
      .number()
      .check(
        z.int({ error: `must be a whole number of days from 0 to ${GRACE_DAYS_MAX}` }),
        z.gte(0, { error: `must be a whole number of days from 0 to ${GRACE_DAYS_MAX}` }),
        z.lte(GRACE_DAYS_MAX, { error: `must be a whole number of days from 0 to ${GRACE_DAYS_MAX}` }),
        z.describe(`Days members have to turn MFA on, from when it became required (default ${GRACE_DAYS_DEFAULT})`),
      ),
    GRACE_DAYS_DEFAULT,
  ),
  verification_code: z.optional(
    verificationCode.check(
      z.describe(
        "Turning a requirement off, with MFA_STEP_UP required and the admin's MFA on: a current code of the admin's authenticator",
      ),
    ),
  ),
})

export const policyResponse = z.object({
  tenant_id: tenantId,
  required: z.boolean(),
  grace_days: z.number().check(z.int()),
  required_since: z.nullable(isoTime('Since when MFA is required (ISO 8601); null while it is not')),
})

/** `GET /tenants/{tenant_id}/mfa_members` query. */
const CURSOR_ERROR = 'must be the next_cursor of the page before'
export const pageCursor = z
  .string()
  .check(z.minLength(1, { error: CURSOR_ERROR }), z.maxLength(512, { error: CURSOR_ERROR }))
// Digits only: a number conversion would also take `0x10`, `1e1` or ` 7`.
export const membersLimit = z
  .string()
  .check(z.regex(/^(?:[1-9]|[1-4][0-9]|50)$/, { error: 'must be a whole number from 1 to 50' }))

export const membersResponse = z.object({
  members: z.array(
    z.object({
      user_id: z.string(),
      email: z.string().check(z.describe('Empty for members who sign in with a sign-in ID')),
      sign_in_id: z.string().check(z.describe('Empty for members who sign in with an e-mail')),
      mfa_enabled: z.boolean().check(z.describe('Whether SaaSus has MFA on for the member')),
    }),
  ),
  next_cursor: z.nullable(z.string().check(z.describe('Pass as `cursor` for the next page; null on the last'))),
})

export const tenantEventsResponse = z.object({
  events: z
    .array(
      z.object({
        type: z.enum(TENANT_EVENT_TYPES),
        at: isoTime('When it happened (ISO 8601)'),
        actor_id: z.string().check(z.describe('The user id of the admin who did it')),
        target_user_id: z.optional(z.string().check(z.describe('`member_mfa_reset`: whose MFA was reset'))),
        required: z.optional(z.boolean().check(z.describe('`mfa_policy_changed`: the policy it set'))),
        grace_days: z.optional(z.number().check(z.int())),
      }),
    )
    .check(z.describe('Policy changes and resets of the past year, newest first (at most 100)')),
})

export const deadLettersLimit = z.coerce
  .number({ error: 'must be a whole number from 1 to 100' })
  .check(
    z.int({ error: 'must be a whole number from 1 to 100' }),
    z.gte(1, { error: 'must be a whole number from 1 to 100' }),
    z.lte(100, { error: 'must be a whole number from 1 to 100' }),
  )

export const deadLettersResponse = z.object({
  depth: z.number().check(z.int(), z.describe('How many dead letters are kept')),
  next_cursor: z.nullable(z.string().check(z.describe('Pass as `cursor` for the next page; null on the last'))),
  dead_letters: z
    .array(
      z.object({
        webhook_id: z.string().check(z.describe('The `webhook-id` every attempt carried (`raw_…`: not a webhook)')),
        dead_at: isoTime('When it (last) reached the dead-letter queue (ISO 8601)'),
        deaths: z.number().check(z.int(), z.describe('Times it reached the dead-letter queue')),
        replayable: z.boolean().check(z.describe('A webhook, which replay sends again')),
        body: z.string().check(z.describe('The webhook body as every attempt sent it (JSON text)')),
      }),
    )
    .check(z.describe('Oldest first')),
})

export const replayRequest = z.object({
  webhook_ids: z.optional(
    z
      .array(z.string().check(z.regex(DEAD_LETTER_ID, { error: 'must be webhook ids as the list shows them' })))
      .check(z.minLength(1), z.maxLength(100), z.describe('These; none named: the oldest `limit`')),
  ),
  limit: z.optional(deadLettersLimit.check(z.describe('At most this many (default 100)'))),
})

export const replayResponse = z.object({
  replayed: z.array(z.string()).check(z.describe('The webhook ids sent to the webhook queue again')),
  depth: z.number().check(z.int(), z.describe('Dead letters still kept')),
})

export const setupResponse = z.object({
  /** The `otpauth://` key URI for the authenticator app. */
  qrCodeUrl: z.string().check(z.describe('The otpauth:// key URI (Google Key URI Format) to scan')),
  /** The same secret as in `qrCodeUrl`, for typing in by hand ("can't scan?"). */
  secret: z.string().check(z.regex(/^[A-Z2-7]+$/), z.describe('The base32 secret, unpadded, for manual entry')),
  /** An SVG image of a QR code of exactly `qrCodeUrl`. */
  qrCodeSvg: z.string().check(z.describe('An SVG image (image/svg+xml) of a QR code encoding qrCodeUrl')),
})

export const messageResponse = z.object({
  message: z.string(),
})

export const errorResponse = z.object({
  error: z.string(),
  code: z.enum(Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]]),
  field: z.optional(z.string().check(z.describe('With `invalid_request`: the request field at fault'))),
})

/**
 * `GET /credentials` and `GET /refresh`: SaaSus's `Credentials`, as the sample
 * servers return them. `refresh_token` is absent when REFRESH_TOKEN_IN_BODY is
 * false, and from /refresh unless SaaSus rotated the token.
 */
export const credentialsResponse = z.object({
  id_token: z.string(),
  access_token: z.string(),
  refresh_token: z.optional(z.string()),
})

/** `GET /userinfo`: SaaSus's `UserInfo`, passed on as SaaSus sent it. */
export const userInfoResponse = z.looseObject({
  id: z.string(),
  email: z.string().check(z.describe('Empty for users who sign in with a sign-in ID')),
  sign_in_id: z.string().check(z.describe('Empty for users who sign in with an e-mail')),
  user_attribute: z.record(z.string(), z.unknown()),
  tenants: z.array(z.looseObject({})).check(z.describe("SaaSus's UserAvailableTenant objects: tenants, envs, roles")),
})

export type CredentialsResponse = z.infer<typeof credentialsResponse>
export type VerifyRequest = z.infer<typeof verifyRequest>
export type StatusResponse = z.infer<typeof statusResponse>
export type SetupResponse = z.infer<typeof setupResponse>
export type MessageResponse = z.infer<typeof messageResponse>
export type DeadLettersResponse = z.infer<typeof deadLettersResponse>
export type ReplayResponse = z.infer<typeof replayResponse>
export type RecoveryCodesResponse = z.infer<typeof recoveryCodesResponse>
export type RecoveryCodesStatusResponse = z.infer<typeof recoveryCodesStatusResponse>
export type EventsResponse = z.infer<typeof eventsResponse>
export type PolicyResponse = z.infer<typeof policyResponse>
export type MembersResponse = z.infer<typeof membersResponse>
export type TenantEventsResponse = z.infer<typeof tenantEventsResponse>
