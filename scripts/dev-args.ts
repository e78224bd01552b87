/**
 * The command line of `npm run dev`, read strictly: an unknown option, a
 * misspelt setting or a malformed value is a usage error, never ignored.
 */
import { parseArgs } from 'node:util'
import { DIALECT_NAMES } from '../emulator/src/dialects.ts'

export const USAGE =
  'usage: npm run dev -- [--emulator] [--dialect <name>] [--var NAME:value]... [--port <n>] [--emulator-port <n>]'

/** What the developer asked for; ports fall back to API_PORT / EMULATOR_PORT, then 8787 / 8788. */
export interface DevArgs {
  /** Use the emulator even when .dev.vars holds SaaSus credentials. */
  emulator: boolean
  /** The words the emulator refuses in (emulator/src/dialects.ts). */
  dialect: string | undefined
  /** `--var NAME:value` settings for the API, in order (a later one wins). */
  vars: Record<string, string>
  apiPort: number
  emulatorPort: number
  /** Options that only make sense with the emulator, as given (to refuse them when SaaSus is real). */
  emulatorOnly: string[]
  help: boolean
}

/** A mistake on the command line: one line for the developer, then the usage. */
export class UsageError extends Error {}

const OPTIONS = {
  emulator: { type: 'boolean' },
  dialect: { type: 'string' },
  var: { type: 'string', multiple: true },
  port: { type: 'string' },
  'emulator-port': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

/** The name in `candidates` within two edits of `word`, if there is one: a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const distance = (a: string, b: string) => {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
    for (let i = 1; i <= a.length; i++) {
      const current = [i]
      for (let j = 1; j <= b.length; j++) {
        const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
        current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution)
      }
      previous = current
    }
    return previous[b.length] ?? Number.POSITIVE_INFINITY
  }
  const [best] = candidates
    .map((candidate) => ({ candidate, edits: distance(word.toLowerCase(), candidate.toLowerCase()) }))
    .sort((a, b) => a.edits - b.edits)
  return best && best.edits <= 2 ? best.candidate : undefined
}

function port(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback
  const number = Number(value)
  if (!Number.isInteger(number) || number < 1 || number > 65_535) {
    throw new UsageError(`${name} must be a port number from 1 to 65535, not "${value}"`)
  }
  return number
}

/** Reads `--var NAME:value` (wrangler's form; the value may hold more colons). */
function setting(text: string): [string, string] {
  const colon = text.indexOf(':')
  const name = colon === -1 ? text : text.slice(0, colon)
  if (colon === -1 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new UsageError(`--var takes NAME:value, as in --var MFA_ISSUER:Acme, not "${text}"`)
  }
  return [name, text.slice(colon + 1)]
}

/** Turns node:util's parse errors into a line that says what to type instead. */
function usageError(error: unknown): UsageError {
  const { code, message } = error as { code?: string; message: string }
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'([^']+)'/.exec(message)?.[1] ?? '?'
    const suggestion = closest(option.replace(/^-+/, ''), Object.keys(OPTIONS))
    return new UsageError(`unknown option ${option}${suggestion ? ` (did you mean --${suggestion}?)` : ''}`)
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const argument = /'([^']*)'/.exec(message)?.[1] ?? '?'
    return new UsageError(`unexpected argument "${argument}" (options go after --, as in npm run dev -- --emulator)`)
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /'(--?[a-z-]+)/.exec(message)?.[1] ?? 'an option'
    return new UsageError(`${option} needs a value`)
  }
  return new UsageError(message)
}

function options(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true }).values
  } catch (error) {
    throw usageError(error)
  }
}

export function parseDevArgs(argv: string[], env: NodeJS.ProcessEnv): DevArgs {
  const values = options(argv)
  const dialect = values.dialect
  if (dialect !== undefined && !(DIALECT_NAMES as string[]).includes(dialect)) {
    const suggestion = closest(dialect, DIALECT_NAMES)
    throw new UsageError(
      `--dialect ${dialect}: not a dialect${suggestion ? ` (did you mean ${suggestion}?)` : ''}; one of ${DIALECT_NAMES.join(', ')}`,
    )
  }
  const apiPort = port(values.port === undefined ? 'API_PORT' : '--port', values.port ?? env.API_PORT, 8787)
  const emulatorPort = port(
    values['emulator-port'] === undefined ? 'EMULATOR_PORT' : '--emulator-port',
    values['emulator-port'] ?? env.EMULATOR_PORT,
    8788,
  )
  if (apiPort === emulatorPort) throw new UsageError(`the API and the emulator cannot share port ${apiPort}`)
  return {
    emulator: values.emulator ?? false,
    dialect,
    vars: Object.fromEntries((values.var ?? []).map(setting)),
    apiPort,
    emulatorPort,
    emulatorOnly: [dialect && '--dialect', values['emulator-port'] && '--emulator-port'].filter(
      (option): option is string => Boolean(option),
    ),
    help: values.help ?? false,
  }
}
