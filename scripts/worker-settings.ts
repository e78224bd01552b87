/**
 * Which Worker reads which setting, from their configs: the names under [vars] and the required
 * secrets of wrangler.toml (the front) and wrangler.core.toml (the core). `npm run dev` and the
 * stack use it to hand each setting to the Worker that reads it.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = join(import.meta.dirname, '..')

export const FRONT_CONFIG = 'wrangler.toml'
export const CORE_CONFIG = 'wrangler.core.toml'

/** A setting the core reads that its config does not list: the tests' storage-fault switch. */
const CORE_UNLISTED = ['ACCOUNT_FAULTS']

/** The names under [vars] in a wrangler config, and its required secrets. */
export function declaredSettings(config: string): string[] {
  const toml = readFileSync(join(ROOT, config), 'utf8')
  const vars = /^\[vars\][^\n]*\n([\s\S]*?)(?=^\[)/m.exec(toml)?.[1] ?? ''
  const secrets = /^\[secrets\][\s\S]*?^required\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1] ?? ''
  return [
    ...[...vars.matchAll(/^([A-Za-z_][A-Za-z0-9_]*)\s*=/gm)].map((match) => match[1] ?? ''),
    ...[...secrets.matchAll(/"([^"]+)"/g)].map((match) => match[1] ?? ''),
  ]
}

export const FRONT_SETTINGS = declaredSettings(FRONT_CONFIG)
export const CORE_SETTINGS = [...declaredSettings(CORE_CONFIG), ...CORE_UNLISTED]
/** Every setting of the API, whichever Worker reads it. */
export const API_SETTINGS = [...new Set([...FRONT_SETTINGS, ...CORE_SETTINGS])]

/** Splits settings by the Worker that reads them; one both read (REQUEST_LOG) goes to both. */
export function splitSettings(vars: Record<string, string>): {
  front: Record<string, string>
  core: Record<string, string>
} {
  const pick = (names: string[]) => Object.fromEntries(Object.entries(vars).filter(([name]) => names.includes(name)))
  const unknown = Object.keys(vars).filter((name) => !API_SETTINGS.includes(name))
  if (unknown.length > 0) throw new Error(`neither Worker reads ${unknown.join(', ')}`)
  return { front: pick(FRONT_SETTINGS), core: pick(CORE_SETTINGS) }
}
