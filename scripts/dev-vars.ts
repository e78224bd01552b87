/**
 * The API's settings in local development: the local secrets file `.dev.vars`
 * (git-ignored), the names wrangler.toml declares, and how `npm run dev` merges
 * them with `--var` for each mode.
 *
 * `.dev.vars` is read the simple way it is usually written: `NAME=value`,
 * `NAME="value"` or `NAME='value'` per line (single quotes keep a JSON value such
 * as SAASUS_REFUSAL_WORDS whole); other lines, comments included, are ignored.
 * No escapes, no multi-line values.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { closest, UsageError } from './dev-args.ts'
import { EMULATOR_SECRETS, localOrigins, ROOT } from './stack.ts'
import { API_SETTINGS } from './worker-settings.ts'

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/
const QUOTED = /^(["'])(.*)\1$/

/** The three credentials that, all set in .dev.vars, make `npm run dev` talk to the real SaaSus. */
export const SAASUS_CREDENTIALS = ['SAASUS_SAAS_ID', 'SAASUS_API_KEY', 'SAASUS_SECRET_KEY']

/** The settings that say which SaaSus the API talks to; in emulator mode they are the emulator's. */
export const SAASUS_CONNECTION = [...SAASUS_CREDENTIALS, 'SAASUS_API_URL_BASE']

/** The variables set in `.dev.vars` at the project root; empty values are left out. */
export function readDevVars(file = join(ROOT, '.dev.vars')): Record<string, string> {
  if (!existsSync(file)) return {}
  const vars: Record<string, string> = {}
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const match = LINE.exec(line)
    if (!match?.[1] || match[2] === undefined) continue
    const value = (QUOTED.exec(match[2])?.[2] ?? match[2]).trim()
    if (value) vars[match[1]] = value
  }
  return vars
}

/** What `npm run dev` gives the API, worked out before anything starts. */
export interface ApiSettings {
  /** Settings for the API's wrangler dev, each handed to the Worker that reads it. */
  vars: Record<string, string>
  /** With real SaaSus: the credentials from .dev.vars (the emulator mode's are the stack's own). */
  secrets?: Record<string, string>
  /** The env the API will see (its defaults aside), for the API's own parser to check first. */
  env: Record<string, string>
  /** Names from .dev.vars that reach the API (secrets and names --var overrides aside). */
  fromDevVars: string[]
  /** What became of settings that do not reach the API as written, one line each. */
  notes: string[]
}

/**
 * Merges wrangler.toml's [vars], `.dev.vars` and `--var`, a later source winning.
 * With the emulator, the SaaSus credentials and URL are the emulator's: a --var of
 * one of them is refused, a .dev.vars entry set aside with a note.
 */
export function apiSettings(input: {
  devVars: Record<string, string>
  cliVars: Record<string, string>
  realSaasus: boolean
  emulatorPort: number
}): ApiSettings {
  const { devVars, cliVars, realSaasus, emulatorPort } = input
  const declared = API_SETTINGS
  for (const name of Object.keys(cliVars)) {
    if (declared.includes(name)) continue
    const suggestion = closest(name, declared)
    throw new UsageError(
      `--var ${name}: neither the front nor the core reads such a setting${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
    )
  }
  const notes: string[] = []
  const unread = Object.keys(devVars).filter((name) => !declared.includes(name))
  if (unread.length > 0) notes.push(`.dev.vars sets ${unread.join(', ')}, which the API does not read`)
  const secrets = realSaasus ? SAASUS_CREDENTIALS : SAASUS_CONNECTION
  const fromDevVars = Object.keys(devVars).filter(
    (name) => declared.includes(name) && !secrets.includes(name) && !(name in cliVars),
  )

  if (realSaasus) {
    // The stack hands every setting to the Worker that reads it (the core never reads .dev.vars
    // itself), so .dev.vars reaches the API through here too; the reference page is on unless it says.
    const vars = {
      ...(devVars.SERVE_API_REFERENCE ? {} : { SERVE_API_REFERENCE: 'true' }),
      ...Object.fromEntries(fromDevVars.map((name) => [name, devVars[name] ?? ''])),
      ...cliVars,
    }
    const secrets = Object.fromEntries(SAASUS_CREDENTIALS.map((name) => [name, devVars[name] ?? '']))
    return { vars, secrets, env: { ...devVars, ...vars }, fromDevVars, notes }
  }

  const refused = Object.keys(cliVars).find((name) => SAASUS_CONNECTION.includes(name))
  if (refused) {
    throw new UsageError(
      `--var ${refused}: with the emulator, the API's SaaSus credentials and URL are the emulator's; to talk to SaaSus, put the three credentials in .dev.vars (see .dev.vars.example) and leave out --emulator`,
    )
  }
  const setAside = SAASUS_CONNECTION.filter((name) => devVars[name])
  const missing = SAASUS_CREDENTIALS.filter((name) => !devVars[name])
  if (setAside.length > 0) {
    notes.push(
      missing.length === 0
        ? `--emulator: .dev.vars's ${setAside.join(', ')} set aside; the API talks to the emulator`
        : `.dev.vars lacks ${missing.join(', ')}, so the API talks to the emulator (its ${setAside.join(', ')} set aside)`,
    )
  }
  // The stack runs the core from a copy of its config away from .dev.vars, so .dev.vars reaches the API through these.
  const vars = { ...Object.fromEntries(fromDevVars.map((name) => [name, devVars[name] ?? ''])), ...cliVars }
  // Your SPA's origins, and still the emulator's, whose demo page calls the API.
  if (vars.ALLOWED_ORIGINS) {
    vars.ALLOWED_ORIGINS += `,http://localhost:${emulatorPort},http://127.0.0.1:${emulatorPort}`
  }
  const env = {
    // The development key (startStack), so step-up works with the emulator; .dev.vars's own key wins.
    ...EMULATOR_SECRETS,
    SAASUS_API_URL_BASE: `http://127.0.0.1:${emulatorPort}`,
    ALLOWED_ORIGINS: localOrigins(emulatorPort),
    SERVE_API_REFERENCE: 'true',
    ...vars,
  }
  return { vars, env, fromDevVars, notes }
}
