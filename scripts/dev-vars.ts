/**
 * The local secrets file `.dev.vars` (git-ignored), read the simple way it is
 * usually written: `NAME=value`, `NAME="value"` or `NAME='value'` per line
 * (single quotes keep a JSON value such as SAASUS_REFUSAL_WORDS whole); other
 * lines, comments included, are ignored. No escapes, no multi-line values.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './stack.ts'

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/
const QUOTED = /^(["'])(.*)\1$/

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
