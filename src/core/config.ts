/**
 * Configuration: read from the Worker's env once per env object, validated with
 * zod, and split in three: the SaaSus part (credentials, URL, timeout), which only
 * the SaaSus client receives; the keys that seal authenticator secrets, which only
 * the account object's secret box receives; and the settings the rest of the app
 * reads, which hold no secret. A missing secret or a malformed value fails with
 * one message naming the variable.
 */
import * as z from 'zod/mini'
import { ConfigError, oncePerEnv } from '../shared/config-error'
import { parseSecretBoxKeys, type SecretBoxKey } from './account/secret-box'
import type { SaasusSettings } from './saasus/client'
import { ANY_CALL_REFUSALS, CALLS, type CallName, type RefusalWords, USER_REFUSALS } from './saasus/refusals'
import { DEFAULT_RETRY_DELAYS, type WebhookSettings, webhookSecretValid, webhookUrlAllowed } from './webhooks/settings'

const required = (name: string) =>
  z.string({ error: `${name} is required` }).check(z.trim(), z.minLength(1, { error: `${name} is required` }))

/** A whole number within bounds, as a --var or .dev.vars string or a TOML number; one message for any miss. */
const wholeNumber = (min: number, max: number, unit: string) => {
  const error = `must be a whole number of ${unit} from ${min} to ${max}`
  return z.coerce.number({ error }).check(z.int({ error }), z.gte(min, { error }), z.lte(max, { error }))
}

/** A SaaSus env id (`Id` in the definition): a positive whole number. */
const ENV_ID_ERROR = 'must be the id of a SaaSus env, a whole number such as 1'
const envId = z.coerce
  .number({ error: ENV_ID_ERROR })
  .check(z.int({ error: ENV_ID_ERROR }), z.gte(1, { error: ENV_ID_ERROR }))

/** A yes/no setting: "true" or "false" as a --var or .dev.vars string, or a TOML boolean in [vars]. */
const flag = (fallback: boolean) =>
  z._default(
    z.pipe(
      z.union([z.boolean(), z.enum(['true', 'false'], { error: 'must be true or false' })]),
      z.transform((value) => value === true || value === 'true'),
    ),
    fallback,
  )

/**
 * SAASUS_REFUSAL_WORDS: JSON `{ "<call>": { "<refusal>": ["word", …] } }`, words
 * an operator adds to the built-in ones (src/core/saasus/refusals.ts) without a code
 * change, e.g. `{"software_token": {"wrong_code": ["totp rejected"]}}`.
 */
const refusalWords = z.pipe(
  z.string(),
  z.transform((value, ctx): RefusalWords => {
    const fail = (message: string) => {
      ctx.issues.push({ code: 'custom', message, input: value })
      return z.NEVER
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(value)
    } catch {
      return fail('must be JSON like {"software_token": {"wrong_code": ["word"]}}')
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fail('must be a JSON object')
    const words: RefusalWords = {}
    for (const [call, byRefusal] of Object.entries(parsed)) {
      if (!(CALLS as readonly string[]).includes(call)) return fail(`"${call}" is not one of ${CALLS.join(', ')}`)
      if (typeof byRefusal !== 'object' || byRefusal === null || Array.isArray(byRefusal)) {
        return fail(`"${call}" must map refusals to lists of words`)
      }
      const allowed: readonly string[] = [...USER_REFUSALS[call as CallName], ...ANY_CALL_REFUSALS]
      const entry: Record<string, string[]> = {}
      for (const [refusal, list] of Object.entries(byRefusal)) {
        if (!allowed.includes(refusal)) return fail(`"${call}" cannot end in "${refusal}"; use ${allowed.join(', ')}`)
        const valid =
          Array.isArray(list) &&
          list.length <= 50 &&
          list.every((word) => typeof word === 'string' && word.trim().length >= 3 && word.length <= 100)
        if (!valid) return fail(`"${call}"."${refusal}" must be a list of at most 50 words of 3 to 100 characters`)
        entry[refusal] = list
      }
      words[call as CallName] = entry
    }
    return words
  }),
)

const envSchema = z.object({
  SAASUS_SAAS_ID: required('SAASUS_SAAS_ID'),
  SAASUS_API_KEY: required('SAASUS_API_KEY'),
  SAASUS_SECRET_KEY: required('SAASUS_SECRET_KEY'),
  SAASUS_API_URL_BASE: z._default(
    z.pipe(
      z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://api.saasus.io' }),
      z.transform((value) => value.replace(/\/+$/, '')),
    ),
    'https://api.saasus.io',
  ),
  MFA_ISSUER: z._default(
    z.string().check(
      z.trim(),
      z.minLength(1),
      z.refine((value) => !value.includes(':'), {
        error: 'must not contain ":" (it separates issuer and account in the otpauth label)',
      }),
    ),
    'SaaSusPlatform',
  ),
  SAASUS_TIMEOUT_MS: z._default(wholeNumber(100, 30_000, 'milliseconds'), 5_000),
  SAASUS_REFUSAL_WORDS: z._default(refusalWords, {}),
  // The session cookie (docs/session.md).
  REFRESH_COOKIE_SAMESITE: z._default(
    z.pipe(
      z.pipe(
        z.string(),
        z.transform((value) => value.trim().toLowerCase()),
      ),
      z.enum(['none', 'lax', 'strict'], { error: 'must be None, Lax or Strict' }),
    ),
    'none',
  ),
  // Where browsers call /refresh: `/api/refresh` behind a proxy that strips `/api` (RFC 6265 §5.1.4 path-match).
  REFRESH_COOKIE_PATH: z._default(
    z.string().check(
      z.trim(),
      z.regex(/^(\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*\/refresh$/, {
        error:
          'must be where browsers call /refresh: /refresh, or <prefix>/refresh like /api/refresh (letters, digits, - _ . ~)',
      }),
    ),
    '/refresh',
  ),
  // 30 days, Cognito's default refresh-token validity; browsers cap cookies at 400 days (RFC 6265bis).
  REFRESH_COOKIE_MAX_AGE_SECONDS: z._default(wholeNumber(60, 400 * 24 * 60 * 60, 'seconds'), 30 * 24 * 60 * 60),
  REFRESH_TOKEN_IN_BODY: flag(true),
  // An hour at most: an ID token rarely lives longer, and a revoked one must not be honoured for long.
  USER_CACHE_TTL_SECONDS: z._default(wholeNumber(0, 3_600, 'seconds'), 60),
  REQUEST_LOG: z._default(z.enum(['all', 'failures'], { error: 'must be all or failures' }), 'all'),
  // Account protection (docs/account-protection.md).
  MFA_STEP_UP: z._default(z.enum(['off', 'required'], { error: 'must be off or required' }), 'off'),
  // Tenant MFA policy (docs/tenant-policy.md): the role names that make a tenant's admin, and the
  // SaaSus env they count in (any env when unset).
  MFA_POLICY_ADMIN_ROLES: z._default(
    z.pipe(
      z.string(),
      z.transform((value, ctx): string[] => {
        const roles = [...new Set(value.split(',').map((role) => role.trim()))].filter((role) => role !== '')
        if (roles.length > 0 && roles.every((role) => role.length <= 100)) return roles
        ctx.issues.push({
          code: 'custom',
          message: 'must be role names separated by commas, like admin,owner',
          input: '',
        })
        return z.NEVER
      }),
    ),
    ['admin'],
  ),
  SAASUS_ENV_ID: z.optional(envId),
  // Security webhooks (docs/webhooks.md): both or neither.
  SECURITY_WEBHOOK_URL: z.optional(
    z.string().check(
      z.trim(),
      z.refine(webhookUrlAllowed, {
        error: 'must be an https URL (http only for 127.0.0.1 or localhost, in local development)',
      }),
    ),
  ),
  SECURITY_WEBHOOK_SECRET: z.optional(
    z.string().check(
      z.trim(),
      z.refine(webhookSecretValid, {
        // The message says what is wrong, never what was given.
        error: 'must be whsec_ followed by the base64 of 24 to 64 random bytes (the Standard Webhooks form)',
      }),
    ),
  ),
  SECURITY_WEBHOOK_TIMEOUT_MS: z._default(wholeNumber(100, 30_000, 'milliseconds'), 10_000),
  SECURITY_WEBHOOK_RETRY_DELAYS: z._default(
    z.pipe(
      z.string(),
      z.transform((value, ctx): number[] => {
        const delays = value.split(',').map((part) => part.trim())
        const valid = delays.length <= 100 && delays.every((part) => /^\d{1,5}$/.test(part) && Number(part) <= 43_200)
        if (valid) return delays.map(Number)
        ctx.issues.push({
          code: 'custom',
          message: 'must be seconds separated by commas, each from 0 to 43200, like 10,60,300',
          input: '',
        })
        return z.NEVER
      }),
    ),
    () => [...DEFAULT_RETRY_DELAYS],
  ),
  MFA_ENCRYPTION_KEY: z.optional(
    z.pipe(
      z.string(),
      z.transform((value, ctx): SecretBoxKey[] => {
        const keys = parseSecretBoxKeys(value.trim())
        if (typeof keys !== 'string') return keys
        // The message says what is wrong, never what was given.
        ctx.issues.push({ code: 'custom', message: keys, input: '' })
        return z.NEVER
      }),
    ),
  ),
})

/** Everything else the app reads: no secret among them. */
export interface Settings {
  mfaIssuer: string
  refreshCookie: {
    /** The cookie's `Path`: the refresh route as browsers reach it (REFRESH_COOKIE_PATH). */
    path: string
    sameSite: 'none' | 'lax' | 'strict'
    maxAgeSeconds: number
  }
  /** Whether /credentials and /refresh also put the refresh token in their JSON body. */
  refreshTokenInBody: boolean
  /** Seconds `GET /mfa_status` may reuse the user of a repeated ID token; 0 turns the cache off. */
  userCacheTtlSeconds: number
  /** Which requests get their log line: every one, or only those answered with an error. */
  requestLog: 'all' | 'failures'
  /** Whether disabling MFA, new recovery codes and a new authenticator need a current code (MFA_STEP_UP). */
  stepUp: 'off' | 'required'
  /** Who administers a tenant: a role of these names, in the env `envId` or (undefined) in any. */
  tenantAdmins: { roles: readonly string[]; envId: number | undefined }
}

export interface Config {
  /** For the SaaSus client alone (src/core/saasus/). */
  saasus: SaasusSettings
  /** For the account object's secret box alone (src/core/account/): newest first; absent, no secret is kept. */
  secretBoxKeys: SecretBoxKey[] | undefined
  /** For the webhook delivery alone (src/core/webhooks/): absent, no event leaves the API. */
  webhooks: WebhookSettings | undefined
  settings: Settings
}

export { ConfigError }

/** Validates a Worker env and returns its two parts, or throws ConfigError naming each bad variable. */
export function parseConfig(env: Record<string, unknown>): Config {
  // An empty string from `--var NAME:` or an unset [vars] entry means "use the default".
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''))
  const result = envSchema.safeParse(present)
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? 'env')
        return issue.message.startsWith(name) ? issue.message : `${name}: ${issue.message}`
      }),
    )
  }
  const settings = result.data
  if (settings.MFA_STEP_UP === 'required' && !settings.MFA_ENCRYPTION_KEY) {
    throw new ConfigError(['MFA_ENCRYPTION_KEY is required when MFA_STEP_UP is required (step-up checks codes itself)'])
  }
  const { SECURITY_WEBHOOK_URL: url, SECURITY_WEBHOOK_SECRET: secret } = settings
  if ((url === undefined) !== (secret === undefined)) {
    const [given, missing] = url
      ? ['SECURITY_WEBHOOK_URL', 'SECURITY_WEBHOOK_SECRET']
      : ['SECURITY_WEBHOOK_SECRET', 'SECURITY_WEBHOOK_URL']
    throw new ConfigError([`${missing} is required when ${given} is set (webhooks need both, or neither)`])
  }
  return {
    saasus: {
      saasId: settings.SAASUS_SAAS_ID,
      apiKey: settings.SAASUS_API_KEY,
      secretKey: settings.SAASUS_SECRET_KEY,
      authApiUrl: `${settings.SAASUS_API_URL_BASE}/v1/auth`,
      timeoutMs: settings.SAASUS_TIMEOUT_MS,
      refusalWords: settings.SAASUS_REFUSAL_WORDS,
    },
    secretBoxKeys: settings.MFA_ENCRYPTION_KEY,
    webhooks:
      url && secret
        ? {
            url,
            secret,
            timeoutMs: settings.SECURITY_WEBHOOK_TIMEOUT_MS,
            retryDelays: settings.SECURITY_WEBHOOK_RETRY_DELAYS,
          }
        : undefined,
    settings: {
      mfaIssuer: settings.MFA_ISSUER,
      refreshCookie: {
        path: settings.REFRESH_COOKIE_PATH,
        sameSite: settings.REFRESH_COOKIE_SAMESITE,
        maxAgeSeconds: settings.REFRESH_COOKIE_MAX_AGE_SECONDS,
      },
      refreshTokenInBody: settings.REFRESH_TOKEN_IN_BODY,
      userCacheTtlSeconds: settings.USER_CACHE_TTL_SECONDS,
      requestLog: settings.REQUEST_LOG,
      stepUp: settings.MFA_STEP_UP,
      tenantAdmins: { roles: settings.MFA_POLICY_ADMIN_ROLES, envId: settings.SAASUS_ENV_ID },
    },
  }
}

/** The settings for this env, parsed on first use and kept for the isolate's life. */
export const configFor: (env: object) => Config = oncePerEnv((env) => parseConfig(env as Record<string, unknown>))
