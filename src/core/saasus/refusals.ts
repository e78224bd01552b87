/**
 * The words that tell a refusal a user caused from an outage, per SaaSus call.
 *
 * SaaSus documents only `500 Error {type, message}` for the MFA calls and no
 * `type` vocabulary, so these lists are evidence, not a contract: SaaSus runs on
 * Amazon Cognito, and Cognito's documented exception names and messages for
 * AssociateSoftwareToken, VerifySoftwareToken, SetUserMFAPreference and
 * InitiateAuth are what it most plausibly passes on, as `type`, as `message`, or
 * both, with any status. The emulator's own words are kept so that its default
 * dialect classifies the same way. docs/errors.md cites each source.
 *
 * Words are matched case-insensitively against `type + " " + message`, with `_`
 * and `-` read as spaces, so `CodeMismatchException`, `code_mismatch` and
 * "Code mismatch and fail enable Software Token MFA" all match `codemismatch` or
 * `code mismatch`. Operators add words per call with SAASUS_REFUSAL_WORDS.
 */

/** The calls, by the name an operator uses for them in SAASUS_REFUSAL_WORDS. */
export const CALLS = [
  'userinfo',
  'secret_code',
  'software_token',
  'mfa_preference',
  'credentials',
  'tenant_users',
] as const
export type CallName = (typeof CALLS)[number]

/** What a SaaSus refusal means, each with the failure kind it is. */
export const REFUSALS = {
  /** The ID token is expired, revoked or not valid. */
  id_token_refused: 'unauthorized',
  /** The access token is expired, revoked or not valid. */
  access_token_refused: 'unauthorized',
  /** The refresh token is expired, revoked or not valid. */
  refresh_token_refused: 'unauthorized',
  /** The verification code is wrong or expired, or no secret was associated first. */
  wrong_code: 'rejected',
  /** MFA was enabled before an authenticator was verified. */
  not_registered: 'rejected',
  /** The one-time login code is unknown, expired or spent. */
  login_code_refused: 'rejected',
  /** Cognito's per-user attempt limit (LimitExceededException): the user must wait, it is not a wrong code. */
  attempts_exceeded: 'throttled',
  /** SaaSus (or Cognito behind it) is shedding load. */
  overloaded: 'unavailable',
  /** Our own SaaSus credentials were refused: signature, API key, SaaS ID or IP restriction. */
  credentials_refused: 'misconfigured',
} as const

export type Refusal = keyof typeof REFUSALS

/** The refusals a user can cause on each call, in the order they are tried. */
export const USER_REFUSALS: Record<CallName, readonly Refusal[]> = {
  userinfo: ['id_token_refused'],
  secret_code: ['attempts_exceeded', 'access_token_refused'],
  software_token: ['attempts_exceeded', 'access_token_refused', 'wrong_code'],
  mfa_preference: ['not_registered'],
  credentials: ['refresh_token_refused', 'login_code_refused'],
  // A tenant's users, asked only for a tenant the caller is in: nothing a user can get wrong.
  tenant_users: [],
}

/** Refusals an operator may add words for, on every call. */
export const ANY_CALL_REFUSALS: readonly Refusal[] = ['credentials_refused', 'overloaded']

const TOKEN_REFUSED = [
  'notauthorized', // NotAuthorizedException
  'not authorized',
  'token has expired',
  'token is expired',
  'token expired',
  'expired token',
  'token has been revoked',
  'token is revoked',
  'revoked token',
  'invalid token',
  'token is invalid',
  'token is not valid',
]

/** The built-in words of each refusal (see the module header for their sources). */
export const BUILT_IN_WORDS: Record<Refusal, readonly string[]> = {
  id_token_refused: [...TOKEN_REFUSED, 'invalid id token', 'id token is not valid', 'jwt expired', 'jwt malformed'],
  // "Access Token has expired", "Access Token has been revoked", "Invalid Access Token" (Cognito).
  access_token_refused: [...TOKEN_REFUSED, 'access token'],
  // "Invalid Refresh Token", "Refresh Token has been revoked" (Cognito InitiateAuth REFRESH_TOKEN_AUTH).
  refresh_token_refused: ['refresh token', 'notauthorized', 'not authorized'],
  wrong_code: [
    'codemismatch', // CodeMismatchException
    'code mismatch', // "Code mismatch and fail enable Software Token MFA"
    'enablesoftwaretokenmfa', // EnableSoftwareTokenMFAException
    'invalid code', // "Invalid code received for user"
    'expiredcode', // ExpiredCodeException
    'code has expired',
    'softwaretokenmfanotfound', // verify before any secret was associated
    'software token mfa has not been enabled', // its message
    'not associated', // the emulator's software_token_not_associated
    'invalidparameter', // InvalidParameterException: the code failed Cognito's own checks
  ],
  not_registered: [
    'not verified software token', // "User has not verified software token mfa"
    'has not verified',
    'not set up software token', // "User has not set up software token mfa"
    'has not set up',
    'software token not registered', // the emulator's software_token_not_registered
    'softwaretokenmfanotfound',
  ],
  login_code_refused: [
    'not found', // SaaSus's documented 404 for an unknown code, and "No such temporary code"
    'notfound',
    'no such temporary code',
    'code has expired',
    'code expired',
    'expired code',
    'already been used',
    'already used',
    'invalid code',
  ],
  // LimitExceededException: "Attempt limit exceeded, please try after some time."
  attempts_exceeded: ['limitexceeded', 'limit exceeded'],
  // TooManyRequestsException, and limits on a call where no per-user attempt limit applies.
  overloaded: ['toomanyrequests', 'too many requests', 'rate exceeded', 'throttl', 'limitexceeded', 'limit exceeded'],
  credentials_refused: [
    'saasussigv1',
    'invalid signature', // the emulator's invalid_signature
    'signature mismatch',
    'request signature',
    'api key',
    'apikey',
    'saas id',
    'saasid',
    'ip restrict', // ip_restricted, documented in the definition's Error.type
    'ip address is not allowed',
    'permission denied', // permission_denied, the definition's Error.type example
  ],
}

/**
 * The likely cause named in the operator's log line when our credentials were
 * refused, from the words SaaSus used.
 */
export const CREDENTIAL_CAUSES: readonly (readonly [string, string])[] = [
  ['ip restrict', 'an IP restriction of the SaaS (allow the Worker, or lift the restriction)'],
  ['ip address', 'an IP restriction of the SaaS (allow the Worker, or lift the restriction)'],
  ['api key', 'SAASUS_API_KEY (rotated or mistyped)'],
  ['apikey', 'SAASUS_API_KEY (rotated or mistyped)'],
  ['saas id', 'SAASUS_SAAS_ID (mistyped, or another SaaS)'],
  ['saasid', 'SAASUS_SAAS_ID (mistyped, or another SaaS)'],
  ['signature', 'SAASUS_SECRET_KEY (the request signature was refused), or a clock far off'],
  ['saasussigv1', 'SAASUS_SECRET_KEY (the request signature was refused), or a clock far off'],
  ['permission denied', 'SAASUS_API_KEY or SAASUS_SAAS_ID (permission denied)'],
]

/** Extra words per call and refusal, from SAASUS_REFUSAL_WORDS. */
export type RefusalWords = Partial<Record<CallName, Partial<Record<Refusal, readonly string[]>>>>

/** Lower case, with `_` and `-` read as spaces: the form both sides of a match take. */
export function normalize(text: string): string {
  return text.toLowerCase().replace(/[_-]+/g, ' ').replace(/\s+/g, ' ').trim()
}

/** True if any of the words occurs in the normalised text. */
export function mentions(text: string, words: readonly string[]): boolean {
  return words.some((word) => text.includes(normalize(word)))
}
