/**
 * The API's settings in local runs: where they come from (each Worker's [vars], the git-ignored
 * `.dev.vars`, `--var NAME:value`, the emulator), the check by each Worker's own parser, and the
 * `wrangler dev -c wrangler.toml -c wrangler.core.toml` that hands them over.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { importBundled } from './import-bundled.ts'
import { EMULATOR_SECRETS, emulatorWebhooks, ROOT } from './wrangler-local.ts'

type Env = Record<string, string>

/** The names a config declares ([vars], [secrets] required): all wrangler dev gives that Worker. */
function declared(config: string): string[] {
  const toml = readFileSync(join(ROOT, config), 'utf8')
  const vars = /^\[vars\][^\n]*\n([\s\S]*?)(?=^\[)/m.exec(toml)?.[1] ?? ''
  const secrets = /^\[secrets\][\s\S]*?^required\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1] ?? ''
  return [...vars.matchAll(/^(\w+)\s*=/gm), ...secrets.matchAll(/"(\w+)"/g)].map((match) => match[1] ?? '')
}
/**
 * The core's secrets that may be left unset: wrangler.core.toml does not declare them, for wrangler
 * deploy refuses to deploy while a declared secret is unset, and wrangler dev gives a Worker only
 * what its config declares. The core's local config declares each one a run sets (coreConfig).
 */
export const OPTIONAL_SECRETS = ['SECURITY_WEBHOOK_SECRET']
export const FRONT_SETTINGS = declared('wrangler.toml')
export const CORE_SETTINGS = [...declared('wrangler.core.toml'), ...OPTIONAL_SECRETS]
const SETTINGS = [...new Set([...FRONT_SETTINGS, ...CORE_SETTINGS])]
/** All three in .dev.vars: the API talks to the real SaaSus. With the emulator, these and the URL are its. */
export const SAASUS_CREDENTIALS = ['SAASUS_SAAS_ID', 'SAASUS_API_KEY', 'SAASUS_SECRET_KEY']
const SAASUS_CONNECTION = [...SAASUS_CREDENTIALS, 'SAASUS_API_URL_BASE']
const pick = (env: Partial<Env>, names: readonly string[]): Env =>
  Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => names.includes(entry[0]) && entry[1] !== undefined,
    ),
  )
/**
 * Read from the environment too: wrangler gives the core any setting it declares from there, and
 * whether these are given decides what a run declares (the secret) and defaults (the emulator's receiver).
 */
export const WEBHOOK_SETTINGS = CORE_SETTINGS.filter((name) => name.startsWith('SECURITY_WEBHOOK_'))

/** `.dev.vars` read as it is usually written: `NAME=value`, `NAME="value"` or `NAME='value'` a line. */
export function readDevVars(file = join(ROOT, '.dev.vars')): Env {
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split(/\r?\n/) : []
  const found = lines.map((line) => /^\s*(?:export\s+)?(\w+)\s*=\s*(["']?)(.*?)\2\s*$/.exec(line))
  return Object.fromEntries(
    found.flatMap((match) => (match?.[1] && match[3]?.trim() ? [[match[1], match[3].trim()]] : [])),
  )
}

/** The candidate one typo away from `word` (a letter wrong, missing, extra or two swapped), if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  return candidates.find((candidate) => {
    const [a, b] = [word.toLowerCase(), candidate.toLowerCase()]
    let i = 0
    while (i < a.length && a[i] === b[i]) i++
    const rest = (x: number, y: number) => a.slice(i + x) === b.slice(i + y)
    const swapped = a[i] === b[i + 1] && a[i + 1] === b[i] && rest(2, 2)
    return rest(1, 1) || rest(1, 0) || rest(0, 1) || swapped
  })
}

/** The origins a local SPA is usually served from, plus the emulator's own (the demo page). */
export function localOrigins(emulatorPort: number): string {
  const hosts = ['localhost:3000', '127.0.0.1:3000', 'localhost:5173', '127.0.0.1:5173']
  return [...hosts, `localhost:${emulatorPort}`, `127.0.0.1:${emulatorPort}`].map((host) => `http://${host}`).join(',')
}

/**
 * The environment's webhook settings, then `.dev.vars`, then `--var`, over the emulator's connection
 * when `emulatorPort` is given: its credentials, URL and the development MFA_ENCRYPTION_KEY come
 * first, and its webhook receiver unless the URL or the secret is given; a --var of the connection
 * is refused and a .dev.vars entry of it set aside. A mistake throws one line.
 */
export function devSettings(input: { devVars: Env; cliVars: Env; environment?: Partial<Env>; emulatorPort?: number }) {
  const { devVars, cliVars, emulatorPort: port } = input
  const environment = pick(input.environment ?? {}, WEBHOOK_SETTINGS)
  for (const name of Object.keys(cliVars).filter((name) => !SETTINGS.includes(name))) {
    const guess = closest(name, SETTINGS)
    throw new Error(`--var ${name}: neither Worker declares such a setting${guess ? ` (did you mean ${guess}?)` : ''}`)
  }
  const aside = port === undefined ? [] : SAASUS_CONNECTION
  const refused = Object.keys(cliVars).find((name) => aside.includes(name))
  if (refused) {
    throw new Error(
      `--var ${refused}: with the emulator, the API's SaaSus credentials and URL are the emulator's; to talk to SaaSus, put the three credentials in .dev.vars (see .dev.vars.example) and leave out --emulator`,
    )
  }
  const unread = Object.keys(devVars).filter((name) => !SETTINGS.includes(name))
  const setAside = aside.filter((name) => devVars[name])
  const missing = SAASUS_CREDENTIALS.filter((name) => !devVars[name])
  const why = missing.length > 0 ? `for .dev.vars lacks ${missing.join(', ')}` : 'as asked'
  const notes: string[] = []
  if (unread.length > 0) notes.push(`.dev.vars sets ${unread.join(', ')}, which the API does not read`)
  if (setAside.length > 0)
    notes.push(`the API talks to the emulator, ${why}; .dev.vars's ${setAside.join(', ')} set aside`)
  const taken = Object.keys(devVars).filter((name) => SETTINGS.includes(name) && !aside.includes(name))
  const vars: Env = { ...environment, ...pick(devVars, taken), ...cliVars }
  const fromDevVars = taken.filter((name) => !SAASUS_CREDENTIALS.includes(name) && !(name in cliVars))
  const fromEnvironment = Object.keys(environment).filter((name) => !(name in devVars || name in cliVars))
  const given = { fromDevVars, fromEnvironment, notes }
  if (port === undefined) return { env: { SERVE_API_REFERENCE: 'true', ...vars } as Env, ...given }
  // Your SPA's origins, and still the emulator's, whose demo page calls the API.
  const origins = vars.ALLOWED_ORIGINS && `${vars.ALLOWED_ORIGINS},http://localhost:${port},http://127.0.0.1:${port}`
  const emulator = { ...EMULATOR_SECRETS, SAASUS_API_URL_BASE: `http://127.0.0.1:${port}`, SERVE_API_REFERENCE: 'true' }
  // Either of the pair given, even empty, is your choice of receiver (or none): the parser checks the other.
  const yours = 'SECURITY_WEBHOOK_URL' in vars || 'SECURITY_WEBHOOK_SECRET' in vars
  const webhooks = yours ? {} : emulatorWebhooks(port)
  const env: Env = { ...emulator, ...webhooks, ...vars, ALLOWED_ORIGINS: origins || localOrigins(port) }
  return { env, ...given }
}

/**
 * Where the core sends its security webhooks with these settings, if anywhere; `toEmulator` when
 * that is the emulator's receiver on `emulatorPort`, which must then verify with the same secret.
 */
export function webhookTarget(env: Env, emulatorPort?: number): { url: string; toEmulator: boolean } | undefined {
  const url = env.SECURITY_WEBHOOK_URL?.trim()
  if (!url || !env.SECURITY_WEBHOOK_SECRET?.trim() || !URL.canParse(url)) return undefined
  const { host, pathname } = new URL(url)
  const emulatorHosts = [`127.0.0.1:${emulatorPort}`, `localhost:${emulatorPort}`]
  return { url, toEmulator: emulatorHosts.includes(host) && pathname.startsWith('/_emulator/webhooks') }
}

/** Each Worker's own parser over what it will get, so that a bad value fails before start. */
export async function settingsProblems(env: Env): Promise<string[]> {
  const { parseConfig, parseFrontSettings } = await importBundled<Record<string, (env: Env) => unknown>>(
    "export { parseConfig } from './src/core/config.ts'\nexport { parseFrontSettings } from './src/front/settings.ts'",
  )
  const problems = (parse: ((env: Env) => unknown) | undefined, names: string[]): string[] => {
    try {
      parse?.(pick(env, names))
      return []
    } catch (error) {
      // A ConfigError (src/shared/config-error.ts): one line per bad variable, naming it first.
      if (error instanceof Error && 'problems' in error && Array.isArray(error.problems)) return error.problems
      throw error
    }
  }
  return [...new Set([...problems(parseFrontSettings, FRONT_SETTINGS), ...problems(parseConfig, CORE_SETTINGS)])]
}

/**
 * `wrangler dev` for the API: the front on `port`, the core behind its CORE binding. `--var` reaches
 * the first config only, so the front gets its settings as --vars, and the environment carries them
 * all: wrangler reads it for a config that declares [secrets], and takes only the names the config
 * declares. The secrets reach the core alone, and never a command line.
 */
export function apiCommand(port: number, settings: Env): { args: string[]; env: Env } {
  const vars = Object.entries(pick(settings, FRONT_SETTINGS)).flatMap(([name, value]) => ['--var', `${name}:${value}`])
  const config = coreConfig(OPTIONAL_SECRETS.filter((name) => settings[name]?.trim()))
  const args = ['dev', '-c', 'wrangler.toml', '-c', config, '--ip', '127.0.0.1', '--port', String(port)]
  return { args: [...args, ...vars], env: settings }
}

/**
 * The core's config for this run. wrangler gives a Worker the .dev.vars beside its config instead
 * of the environment, and only the secrets it declares: with a .dev.vars at the root, or an optional
 * secret set, the core runs from a copy of its config in .wrangler/ (git-ignored), away from the
 * one and declaring the other.
 */
function coreConfig(optionalSecrets: string[]): string {
  if (!existsSync(join(ROOT, '.dev.vars')) && optionalSecrets.length === 0) return 'wrangler.core.toml'
  const toml = readFileSync(join(ROOT, 'wrangler.core.toml'), 'utf8')
  const required = /^(\[secrets\][\s\S]*?^required\s*=\s*\[)([^\]]*)\]/m
  if (!required.test(toml)) throw new Error('wrangler.core.toml: no [secrets] required = [...] to add secrets to')
  const copy = toml
    .replace(/^main\s*=\s*"([^"]+)"/m, (_, main) => `main = ${JSON.stringify(join(ROOT, main))}`)
    .replace(required, (_, start: string, list: string) => {
      const names = [...(list.match(/"\w+"/g) ?? []), ...optionalSecrets.map((name) => `"${name}"`)]
      return `${start}${names.join(', ')}]`
    })
  // One file for each set of secrets declared, rewritten only when it differs: several stacks (the
  // e2e suites) may start at once, and wrangler reloads a running one whose config file changes.
  const file = join(ROOT, '.wrangler', 'core-config', ['wrangler.core', ...optionalSecrets, 'toml'].join('.'))
  if (existsSync(file) && readFileSync(file, 'utf8') === copy) return file
  mkdirSync(join(file, '..'), { recursive: true })
  // Written whole, then renamed into place, so that no wrangler reads it half written.
  writeFileSync(`${file}.${process.pid}`, copy)
  renameSync(`${file}.${process.pid}`, file)
  return file
}
