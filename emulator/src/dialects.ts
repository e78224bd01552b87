/**
 * The words the emulator refuses in. SaaSus documents only `500 Error` for the
 * MFA calls and no `type` vocabulary, so no one dialect can be the truth: the
 * API must classify every plausible one the same way, and its route tests run in
 * each (vitest.config.ts). A dialect is chosen per `X-SaaSus-Trace-Id` like the
 * faults (`PUT /_emulator/faults?traceId=… {"dialect": …}`), for every call
 * (`PUT /_emulator/faults {"dialect": …}`), or at start (EMULATOR_DIALECT).
 *
 * - `emulator`: the emulator's first words (`code_mismatch`, `invalid_access_token`, …);
 * - `generic-500`: `500 {"type":"internal_server_error"}` carrying Cognito's message;
 * - `cognito-400`: Cognito's exception name as `type`, status 400;
 * - `cognito-401`: token refusals as 401 `NotAuthorizedException`, the rest 400;
 * - `status-error`: a wrong code answered `200 {"Status":"ERROR"}`, as Cognito's
 *   VerifySoftwareToken can, and a right one `200 {"Status":"SUCCESS"}`;
 * - `bad-signature`, `ip-restricted`, `permission-denied`: our credentials
 *   refused on every call, in three plausible forms.
 *
 * A table of the same shape (what `npm run probe:saasus` writes) is a dialect too.
 */
import { z } from 'zod'

/** The refusals the emulator can answer, one per cause a user or an operator can provoke. */
export const CASES = [
  'wrong_code',
  'no_secret',
  'access_token',
  'not_registered',
  'login_code',
  'refresh_token',
  'id_token',
  'signature',
] as const
export type Case = (typeof CASES)[number]

const answerSchema = z.object({
  status: z.number().int().min(200).max(599),
  body: z.record(z.string(), z.unknown()),
})
export type Answer = z.infer<typeof answerSchema>

export const tableSchema = z.object({
  ...Object.fromEntries(CASES.map((name) => [name, answerSchema.optional()])),
  /** Answered to a verify the code of which is right; an empty 200 when absent. */
  verify_success: answerSchema.optional(),
  /** Answered to every Auth API call, whatever it asks: our credentials refused. */
  every_call: answerSchema.optional(),
}) as z.ZodType<Table>

export type Table = Partial<Record<Case | 'verify_success' | 'every_call', Answer>>

const error = (status: number, type: string, message: string): Answer => ({ status, body: { type, message } })
const fault = (message: string) => error(500, 'internal_server_error', message)

const EMULATOR: Required<Omit<Table, 'verify_success' | 'every_call'>> = {
  wrong_code: error(500, 'code_mismatch', 'Invalid code received for user'),
  no_secret: error(500, 'software_token_not_associated', 'Request a secret code first'),
  access_token: error(500, 'invalid_access_token', 'Access token is not valid for this user'),
  not_registered: error(500, 'software_token_not_registered', 'User has not verified software token MFA'),
  login_code: error(404, 'not_found', 'No such temporary code'),
  refresh_token: error(500, 'invalid_refresh_token', 'Invalid Refresh Token'),
  id_token: error(401, 'invalid_id_token', 'ID token is not valid or has expired'),
  signature: error(401, 'invalid_signature', 'The request signature is not valid'),
}

export const DIALECTS = {
  emulator: EMULATOR,
  'generic-500': {
    wrong_code: fault('Code mismatch and fail enable Software Token MFA'),
    no_secret: fault('Software Token MFA has not been enabled by the user'),
    access_token: fault('Access Token has been revoked'),
    not_registered: fault('User has not verified software token mfa'),
    login_code: fault('temporary code not found'),
    refresh_token: fault('Refresh Token has been revoked'),
    id_token: fault('Invalid Id Token'),
    signature: error(401, 'unauthorized', 'Signature mismatch'),
  },
  'cognito-400': {
    wrong_code: error(400, 'CodeMismatchException', 'Invalid code received for user'),
    no_secret: error(400, 'SoftwareTokenMFANotFoundException', 'Software Token MFA has not been enabled by the user'),
    access_token: error(400, 'NotAuthorizedException', 'Invalid Access Token'),
    not_registered: error(400, 'InvalidParameterException', 'User has not verified software token mfa'),
    login_code: error(400, 'bad_request', 'The code is invalid or has expired'),
    refresh_token: error(400, 'NotAuthorizedException', 'Invalid Refresh Token'),
    id_token: error(400, 'NotAuthorizedException', 'Token is expired'),
    signature: error(403, 'permission_denied', 'Invalid API key'),
  },
  'cognito-401': {
    wrong_code: error(400, 'EnableSoftwareTokenMFAException', 'Code mismatch and fail enable Software Token MFA'),
    no_secret: error(400, 'InvalidParameterException', 'User has not set up software token mfa'),
    access_token: error(401, 'NotAuthorizedException', 'Access Token has expired'),
    not_registered: error(400, 'InvalidParameterException', 'User has not set up software token mfa'),
    login_code: error(404, 'not_found', 'Not Found'),
    refresh_token: error(401, 'NotAuthorizedException', 'Refresh Token has expired'),
    id_token: error(401, 'unauthorized', 'Unauthorized'),
    signature: error(401, 'unauthorized', 'SAASUSSIGV1 signature does not match'),
  },
  'status-error': {
    wrong_code: { status: 200, body: { Status: 'ERROR' } },
    verify_success: { status: 200, body: { Status: 'SUCCESS' } },
  },
  'bad-signature': { every_call: error(401, 'invalid_signature', 'Signature does not match') },
  'ip-restricted': { every_call: error(403, 'ip_restricted', 'Access from this IP address is restricted') },
  'permission-denied': { every_call: error(401, 'permission_denied', 'The API key is not valid for this SaaS ID') },
} satisfies Record<string, Table>

export type DialectName = keyof typeof DIALECTS
export const DIALECT_NAMES = Object.keys(DIALECTS) as [DialectName, ...DialectName[]]

/** Dialects in which a user can cause refusals; in the others every call is refused. */
export const REFUSAL_DIALECTS = DIALECT_NAMES.filter((name) => !('every_call' in DIALECTS[name]))
export const CREDENTIAL_DIALECTS = DIALECT_NAMES.filter((name) => 'every_call' in DIALECTS[name])

export const dialectSchema = z.union([z.enum(DIALECT_NAMES), tableSchema])
export type Dialect = z.infer<typeof dialectSchema>

const tableOf = (dialect: Dialect): Table => (typeof dialect === 'string' ? DIALECTS[dialect] : dialect)

/** A dialect's answer to a case, falling back to the emulator's own words. */
export const answerFor = (dialect: Dialect, name: Case): Answer => tableOf(dialect)[name] ?? EMULATOR[name]

/** The answer to every call, in a dialect of refused credentials. */
export const everyCallAnswer = (dialect: Dialect): Answer | undefined => tableOf(dialect).every_call

/** The answer to a right code, if the dialect has one (else an empty 200). */
export const verifySuccessAnswer = (dialect: Dialect): Answer | undefined => tableOf(dialect).verify_success
