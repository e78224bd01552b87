/**
 * The error catalogue: every error this API answers with, by stable code.
 *
 * The wire shape is `{ "error": message, "code": code }` (the shape of the
 * public Go sample, plus a code a client can switch on), and `field` when one
 * field of the request is at fault. Codes never change once published;
 * messages may be reworded.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status'

export const ERRORS = {
  invalid_request: { status: 400, message: 'The request is malformed or a field is invalid' },
  invalid_json: { status: 400, message: 'The request body is not valid JSON' },
  missing_access_token: { status: 400, message: 'The X-Access-Token header is required' },
  invalid_verification_code: {
    status: 400,
    message: 'The verification code is not correct; check the authenticator app and try again',
  },
  invalid_recovery_code: { status: 400, message: 'The recovery code is unknown, already used or mistyped' },
  invalid_token: {
    status: 401,
    message: 'A valid ID token is required as a Bearer token',
    // RFC 6750 §3: a 401 for a bearer token names the scheme and what was wrong.
    headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
  },
  invalid_access_token: { status: 401, message: 'The access token is missing, expired or not valid' },
  // Security webhooks (docs/webhooks.md): the dead-letter routes take a request signed with the webhook secret.
  invalid_operator_signature: {
    status: 401,
    message: 'Sign this request with SECURITY_WEBHOOK_SECRET (webhook-id, webhook-timestamp, webhook-signature)',
  },
  origin_not_allowed: { status: 403, message: 'This origin is not allowed to call the API' },
  // Account protection (docs/account-protection.md).
  step_up_required: {
    status: 403,
    message: 'This change needs a current code from the authenticator app (verification_code or X-Verification-Code)',
  },
  step_up_unavailable: {
    status: 403,
    message:
      'This change needs a code this API cannot check: the authenticator was not registered through it. ' +
      'Ask an administrator to turn MFA off, then set it up again',
  },
  // Tenant MFA policy (docs/tenant-policy.md). A tenant the caller is not in is not found: one answer
  // whether or not it exists, so tenant ids cannot be probed.
  not_tenant_admin: { status: 403, message: 'Only an administrator of this tenant can do this' },
  admin_of_other_tenant: {
    status: 403,
    message: 'This member administers a tenant you do not; an administrator of every tenant they run must reset them',
  },
  not_found: { status: 404, message: 'No such route' },
  tenant_not_found: { status: 404, message: 'No such tenant among yours' },
  member_not_found: { status: 404, message: 'No such member in this tenant' },
  webhooks_off: { status: 404, message: 'Security webhooks are off (no SECURITY_WEBHOOK_URL)' },
  // RFC 9110 §15.5.6: sent with `Allow`, the path's methods, set where it is thrown.
  method_not_allowed: { status: 405, message: 'This path does not answer this method; Allow lists the ones it does' },
  mfa_not_registered: {
    status: 409,
    message: 'Register an authenticator (setup and verify) before enabling MFA',
  },
  mfa_not_enabled: { status: 409, message: 'Turn MFA on before creating recovery codes' },
  own_mfa_reset: { status: 409, message: 'Turn your own MFA off with POST /mfa_disable, not as an administrator' },
  payload_too_large: { status: 413, message: 'The request body is too large' },
  unsupported_media_type: { status: 415, message: 'The request body must be application/json' },
  upstream_rejected: { status: 422, message: 'SaaSus refused the request' },
  too_many_attempts: { status: 429, message: 'Too many attempts; wait and try again' },
  misconfigured: { status: 500, message: 'The service is not configured correctly' },
  internal_error: { status: 500, message: 'Something went wrong on our side' },
  upstream_error: { status: 502, message: 'SaaSus answered with an error' },
  // Our own SaaSus credentials were refused: the operator's to fix, never a reason to sign the user out.
  upstream_misconfigured: {
    status: 502,
    message: 'This service cannot use SaaSus right now: its SaaSus credentials were refused',
  },
  upstream_unavailable: { status: 503, message: 'SaaSus could not be reached' },
  upstream_timeout: { status: 504, message: 'SaaSus did not answer in time' },
  storage_unavailable: { status: 503, message: 'Account storage could not be reached; try again' },
  core_unavailable: { status: 503, message: 'The service could not be reached; try again' },
  // Session routes (/credentials, /refresh, /logout).
  invalid_login_code: {
    status: 400,
    message: 'The login code is unknown, expired or already used; sign in again',
  },
  missing_refresh_token: { status: 401, message: 'No refresh token cookie was sent; sign in again' },
  invalid_refresh_token: { status: 401, message: 'The refresh token was refused; sign in again' },
  missing_requested_with: {
    status: 403,
    message: 'This route needs the X-Requested-With header, which only scripts of allowed origins can send',
  },
} as const satisfies Record<string, CatalogueEntry>

interface CatalogueEntry {
  status: ContentfulStatusCode
  message: string
  /** Headers every response with this code carries. */
  headers?: Record<string, string>
}

export type ErrorCode = keyof typeof ERRORS

/** The JSON body of every error response. */
export interface ErrorBody {
  error: string
  code: ErrorCode
  /** The request field at fault (`invalid_request`), e.g. `verification_code`. */
  field?: string
}

export interface ApiErrorOptions {
  cause?: unknown
  headers?: Record<string, string | string[]>
  /** The request field at fault; the message then says what is wrong with it. */
  field?: { name: string; problem: string }
}

/**
 * A failure to answer with one catalogue entry. Thrown anywhere below the app;
 * the app's `onError` is the only place that turns it into a response.
 */
export class ApiError extends Error {
  readonly code: ErrorCode
  readonly status: ContentfulStatusCode
  /** An array value becomes one header line per item (several `Set-Cookie`). */
  readonly headers: Record<string, string | string[]>
  readonly field: string | undefined

  constructor(code: ErrorCode, options: ApiErrorOptions = {}) {
    const field = options.field
    super(field ? `${field.name} ${field.problem}` : ERRORS[code].message, { cause: options.cause })
    this.field = field?.name
    this.name = 'ApiError'
    this.code = code
    this.status = ERRORS[code].status
    const entry: CatalogueEntry = ERRORS[code]
    this.headers = { ...entry.headers, ...options.headers }
  }

  get body(): ErrorBody {
    return this.field
      ? { error: this.message, code: this.code, field: this.field }
      : { error: this.message, code: this.code }
  }
}

/** A bug, not a client's mistake: its log line keeps the class and message, never a body or a token. */
export function reportUnhandled(error: unknown): void {
  const cause = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  console.error(JSON.stringify({ level: 'error', event: 'unhandled', cause }))
}
