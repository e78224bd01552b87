/**
 * Configuration: read from the Worker's env once per env object, validated with
 * zod, and turned into the settings the app uses. A missing secret or a
 * malformed value fails with one message naming the variable.
 */
import { z } from 'zod'

const nonEmpty = (name: string) =>
  z
    .string({ error: `${name} is required` })
    .trim()
    .min(1, { error: `${name} is required` })

/** One origin as browsers send it: scheme://host[:port], nothing else. */
const origin = z.string().refine(
  (value) => {
    try {
      const url = new URL(value)
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value
    } catch {
      return false
    }
  },
  { error: (issue) => `"${String(issue.input)}" is not an origin like https://app.example.com` },
)

const envSchema = z.object({
  SAASUS_SAAS_ID: nonEmpty('SAASUS_SAAS_ID'),
  SAASUS_API_KEY: nonEmpty('SAASUS_API_KEY'),
  SAASUS_SECRET_KEY: nonEmpty('SAASUS_SECRET_KEY'),
  SAASUS_API_URL_BASE: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://api.saasus.io' })
    .default('https://api.saasus.io')
    .transform((value) => value.replace(/\/+$/, '')),
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(origin)),
  MFA_ISSUER: z
    .string()
    .trim()
    .min(1)
    .refine((value) => !value.includes(':'), {
      error: 'must not contain ":" (it separates issuer and account in the otpauth label)',
    })
    .default('SaaSusPlatform'),
  SAASUS_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(5_000),
})

export interface Config {
  saasId: string
  apiKey: string
  secretKey: string
  /** SAASUS_API_URL_BASE + /v1/auth, without a trailing slash. */
  authApiUrl: string
  allowedOrigins: ReadonlySet<string>
  mfaIssuer: string
  timeoutMs: number
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`)
    this.name = 'ConfigError'
  }
}

/** Validates a Worker env and returns its settings, or throws ConfigError naming each bad variable. */
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
  const env_ = result.data
  return {
    saasId: env_.SAASUS_SAAS_ID,
    apiKey: env_.SAASUS_API_KEY,
    secretKey: env_.SAASUS_SECRET_KEY,
    authApiUrl: `${env_.SAASUS_API_URL_BASE}/v1/auth`,
    allowedOrigins: new Set(env_.ALLOWED_ORIGINS),
    mfaIssuer: env_.MFA_ISSUER,
    timeoutMs: env_.SAASUS_TIMEOUT_MS,
  }
}

const parsed = new WeakMap<object, Config | ConfigError>()

/**
 * The settings for this env, parsed on first use and kept for the isolate's life
 * (the runtime hands the same env object to every request).
 */
export function configFor(env: object): Config {
  let entry = parsed.get(env)
  if (entry === undefined) {
    try {
      entry = parseConfig(env as Record<string, unknown>)
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      entry = error
    }
    parsed.set(env, entry)
  }
  if (entry instanceof ConfigError) throw entry
  return entry
}
