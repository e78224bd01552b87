/**
 * `npm run probe:saasus [-- --out <file>] [-- --base <url>]`: checks a real
 * SaaSus tenant against the classifier, once, when it is connected. Provokes
 * each refusal with a test user (scripts/probe/probe.ts), prints SaaSus's words
 * beside each verdict, and writes the report, which the emulator can replay.
 *
 * Settings: SAASUS_* as the Worker reads them (environment, then .dev.vars);
 * PROBE_ID_TOKEN and PROBE_ACCESS_TOKEN of a fresh test user who never
 * registered an authenticator; optional PROBE_REVOKED_ACCESS_TOKEN and
 * PROBE_LOGIN_CODE (valid 10 s). Exit: 0 every verdict as expected, 1 some
 * verdict differs (add SAASUS_REFUSAL_WORDS), 2 the probe could not run.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { readDevVars } from './dev-settings.ts'
import { importBundled } from './import-bundled.ts'
import type { ProbeReport, ProbeResult } from './probe/probe.ts'
import { notes, resultTable, verdictText } from './probe/table.ts'
import { ROOT } from './wrangler-local.ts'

type Bundle = typeof import('./probe/probe.ts') &
  typeof import('../src/core/config.ts') &
  typeof import('../src/core/saasus/calls.ts')

const USAGE = 'usage: npm run probe:saasus [-- --out <file>] [-- --base <url>]'
const EMULATOR_FAULTS = 'http://127.0.0.1:8788/_emulator/faults'

function fail(message: string): never {
  console.error(`probe:saasus: ${message}`)
  process.exit(2)
}

let flags: { out?: string; base?: string; help?: boolean }
try {
  flags = parseArgs({
    options: { out: { type: 'string' }, base: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  }).values
} catch (error) {
  fail(`${(error as Error).message}; ${USAGE}`)
}
if (flags.help) {
  console.log(USAGE)
  process.exit(0)
}

// The environment wins over .dev.vars, as a one-off `VAR=… npm run …` expects.
const vars: Record<string, string | undefined> = { ...readDevVars(), ...process.env }
const env = Object.fromEntries(Object.entries(vars).filter(([name]) => name.startsWith('SAASUS_')))
if (flags.base !== undefined) env.SAASUS_API_URL_BASE = flags.base

const { probeSaasus, parseConfig, ConfigError, SAASUS_CALLS } = await importBundled<Bundle>(
  "export { probeSaasus } from './scripts/probe/probe.ts'\n" +
    "export { parseConfig, ConfigError } from './src/core/config.ts'\n" +
    "export { SAASUS_CALLS } from './src/core/saasus/calls.ts'",
)

const problems: string[] = []
let saasus: ReturnType<typeof parseConfig>['saasus'] | undefined
try {
  saasus = parseConfig(env).saasus
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  const byFlag = (problem: string) => problem.replace(/^SAASUS_API_URL_BASE/, '--base')
  problems.push(...(flags.base === undefined ? error.problems : error.problems.map(byFlag)))
}
for (const [name, what] of [
  ['PROBE_ID_TOKEN', "the test user's ID token"],
  ['PROBE_ACCESS_TOKEN', "the test user's access token"],
] as const) {
  if (!vars[name]?.trim()) problems.push(`${name} is required (${what})`)
}
if (problems.length > 0 || !saasus) fail(problems.join('; '))

// SaaSus keeps a trace id sent with a request: one for the whole run, to quote to SaaSus support.
const traceId = `probe-${crypto.randomUUID()}`
const report = await probeSaasus({
  saasus,
  idToken: vars.PROBE_ID_TOKEN?.trim() ?? '',
  accessToken: vars.PROBE_ACCESS_TOKEN?.trim() ?? '',
  revokedAccessToken: vars.PROBE_REVOKED_ACCESS_TOKEN?.trim() || undefined,
  loginCode: vars.PROBE_LOGIN_CODE?.trim() || undefined,
  headers: { 'X-SaaSus-Trace-Id': traceId },
})
// Origin and path only: a URL may carry user info.
const apiUrl = new URL(saasus.authApiUrl)
const where = `${apiUrl.origin}${apiUrl.pathname}`
const first = report.results[0]

if (report.stopped && (first?.status === 'timeout' || first?.status === 'connection')) {
  fail(`no answer from ${where} (${first.note}); check SAASUS_API_URL_BASE or --base`)
}

console.log(`SaaSus contract probe: ${where} (X-SaaSus-Trace-Id: ${traceId})\n`)
for (const line of resultTable(report)) console.log(line)
const noted = notes(report)
if (noted.length > 0) console.log(`\nNotes:\n${noted.join('\n')}`)

if (report.stopped && first) fail(`${report.stopped}: ${stopHint(first)}`)

const file = flags.out ? resolve(flags.out) : join(ROOT, 'probe-results', `saasus-${stamp(report)}.json`)
mkdirSync(dirname(file), { recursive: true })
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`)
const nearby = relative(process.cwd(), file)
const shown = nearby.startsWith('..') ? file : nearby
console.log(`\nWrote ${shown}`)
console.log(`Replay it in the emulator (it reads the file's "dialect"):`)
console.log(`  curl -X PUT ${EMULATOR_FAULTS} -H 'Content-Type: application/json' --data-binary @${shown}`)

const provoked = report.results.filter((row) => row.provoked)
const differing = provoked.filter((row) => !row.ok)
if (differing.length === 0) {
  console.log(`\n✓ All ${provoked.length} verdicts as expected.`)
  process.exit(0)
}
console.log(`\n✗ ${differing.length} of ${provoked.length} verdicts differ from the expected ones.`)
const example = wordsExample(differing)
if (example) {
  console.log('  Teach the classifier SaaSus words for that call and refusal (see docs/errors.md), e.g.')
  console.log(`  SAASUS_REFUSAL_WORDS='${example.replaceAll("'", "'\\''")}'`)
}
process.exit(1)

/** What to fix when /userinfo did not name the test user. */
function stopHint(row: ProbeResult): string {
  const verdict = row.verdict
  if (verdict === undefined || verdict === 'success') return 'the answer names no user; is SAASUS_API_URL_BASE SaaSus?'
  if (row.type === undefined && row.message === undefined) {
    return `the answer (${row.status}) carries no SaaSus Error body; is SAASUS_API_URL_BASE SaaSus?`
  }
  if (verdict.kind === 'misconfigured') return `check ${verdict.likelyCause ?? 'the SAASUS_* settings'}`
  if (verdict.kind === 'unauthorized') return 'SaaSus refused PROBE_ID_TOKEN; sign the test user in again'
  return `SaaSus answered ${row.status} (${verdictText(verdict)}); try again later`
}

/** A SAASUS_REFUSAL_WORDS value that would teach the classifier the first differing refusal. */
function wordsExample(rows: ProbeResult[]): string | undefined {
  const row = rows.find((result) => result.expected !== 'success' && (result.message || result.type))
  if (!row || row.expected === 'success') return undefined
  const call = Object.values(SAASUS_CALLS).find((candidate) => candidate.operation === row.operation)?.call
  // A redacted placeholder or a clipped text is nothing SaaSus literally says.
  const word = [row.message, row.type].find(
    (text) => text && text.length >= 3 && text.length <= 100 && !/[[…]/.test(text),
  )
  return call && word ? JSON.stringify({ [call]: { [row.expected.refusal]: [word] } }) : undefined
}

function stamp(probe: ProbeReport): string {
  return `${probe.probedAt.slice(0, 19).replace(/:/g, '-')}Z`
}
