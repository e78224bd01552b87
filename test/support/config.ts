/** What the configuration tests share: a minimal valid env and the problems of a bad one. */
import { ConfigError, parseConfig } from '../../src/config'

export const secrets = { SAASUS_SAAS_ID: 'saas', SAASUS_API_KEY: 'key', SAASUS_SECRET_KEY: 'secret' }

/** The problems parseConfig names for an env, or none. */
export function problemsOf(env: Record<string, unknown>): string[] {
  try {
    parseConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  return []
}
