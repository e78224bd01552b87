/**
 * The front's settings (wrangler.toml [vars]), parsed once per env object. Three plain values,
 * checked by hand rather than with zod, which would double the front's bundle; the messages
 * match the core's (src/core/config.ts).
 */

import { ConfigError, oncePerEnv } from '../shared/config-error'

export interface FrontSettings {
  allowedOrigins: ReadonlySet<string>
  serveApiReference: boolean
  requestLog: 'all' | 'failures'
}

/** scheme://host[:port] exactly, as browsers send Origin. */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value)
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value
  } catch {
    return false
  }
}

export function parseFrontSettings(env: Partial<Record<keyof FrontEnv, unknown>>): FrontSettings {
  const problems: string[] = []
  const origins = String(env.ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
  for (const origin of origins) {
    if (!isOrigin(origin)) problems.push(`ALLOWED_ORIGINS: "${origin}" is not an origin like https://app.example.com`)
  }
  const reference = env.SERVE_API_REFERENCE ?? ''
  if (![true, false, 'true', 'false', ''].includes(reference as string)) {
    problems.push('SERVE_API_REFERENCE: must be true or false')
  }
  const requestLog = env.REQUEST_LOG || 'all'
  if (requestLog !== 'all' && requestLog !== 'failures') problems.push('REQUEST_LOG: must be all or failures')
  if (problems.length > 0) throw new ConfigError(problems)
  return {
    allowedOrigins: new Set(origins),
    serveApiReference: reference === true || reference === 'true',
    requestLog: requestLog as 'all' | 'failures',
  }
}

/** The settings for this env, parsed on first use and kept for the isolate's life. */
export const frontSettingsFor: (env: object) => FrontSettings = oncePerEnv(parseFrontSettings)
