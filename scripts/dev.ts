/**
 * `npm run dev`: the API on http://127.0.0.1:8787, its front and core in one `wrangler dev -c
 * wrangler.toml -c wrangler.core.toml`. Without SaaSus credentials in .dev.vars (or with --emulator)
 * the SaaSus emulator runs beside it on :8788 (`wrangler dev -c emulator/wrangler.toml`) and the
 * seeded users' tokens are printed. wrangler runs, binds, reloads and logs the Workers; this script
 * checks the options, the settings and the ports first, a mistake being one line and a non-zero exit.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { parseArgs } from 'node:util'
import { DIALECT_NAMES } from '../emulator/src/dialects.ts'
import { apiCommand, closest, devSettings, readDevVars, SAASUS_CREDENTIALS, settingsProblems } from './dev-settings.ts'
import { isPortFree, seededUsers } from './stack.ts'
import { OFFLINE_WRANGLER_ENV, ROOT, WRANGLER } from './wrangler-local.ts'

const HELP = `usage: npm run dev -- [--emulator] [--dialect <name>] [--var NAME:value]... [--port <n>] [--emulator-port <n>]

Starts the API under wrangler dev, and the SaaSus emulator unless .dev.vars has SaaSus credentials.

  --emulator            use the emulator even when .dev.vars has SaaSus credentials
  --dialect <name>      the words the emulator refuses in: ${DIALECT_NAMES.join(', ')}
  --var NAME:value      one of the API's settings (either Worker's [vars]); wins over .dev.vars
  --port <n>            the API's port (or API_PORT; default 8787)
  --emulator-port <n>   the emulator's port (or EMULATOR_PORT; default 8788)`
const OPTIONS = {
  emulator: { type: 'boolean' },
  dialect: { type: 'string' },
  var: { type: 'string', multiple: true },
  port: { type: 'string' },
  'emulator-port': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

function fail(message: string, code = 2): never {
  console.error(`npm run dev: ${message}`)
  process.exit(code)
}

const options = (() => {
  try {
    return parseArgs({ options: OPTIONS, strict: true, allowPositionals: false }).values
  } catch (error) {
    const { code, message } = error as { code?: string; message: string }
    const option = /'(-[^']*)'/.exec(message)?.[1] ?? ''
    const guess = code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && closest(option.replace(/^-+/, ''), Object.keys(OPTIONS))
    const line = guess === false ? message : `unknown option ${option}${guess ? ` (did you mean --${guess}?)` : ''}`
    return fail(`${line}\n${HELP.split('\n')[0]}`)
  }
})()
if (options.help) {
  console.log(HELP)
  process.exit(0)
}

function port(flag: 'port' | 'emulator-port', variable: string, fallback: number): number {
  const given = options[flag] ?? process.env[variable] ?? String(fallback)
  if (/^\d+$/.test(given) && Number(given) >= 1 && Number(given) <= 65_535) return Number(given)
  return fail(`${options[flag] === undefined ? variable : `--${flag}`} must be a port from 1 to 65535, not "${given}"`)
}
const apiPort = port('port', 'API_PORT', 8787)
const emulatorPort = port('emulator-port', 'EMULATOR_PORT', 8788)
const { dialect } = options
if (dialect !== undefined && !(DIALECT_NAMES as string[]).includes(dialect)) {
  const guess = closest(dialect, DIALECT_NAMES)
  fail(`--dialect ${dialect}: none such${guess ? ` (did you mean ${guess}?)` : ''}; one of ${DIALECT_NAMES.join(', ')}`)
}
const cliVars = Object.fromEntries(
  (options.var ?? []).map((text) => {
    const colon = text.indexOf(':')
    if (colon < 1) fail(`--var takes NAME:value, as in --var MFA_ISSUER:Acme, not "${text}"`)
    return [text.slice(0, colon), text.slice(colon + 1)]
  }),
)

const devVars = readDevVars()
// --dialect and --emulator-port ask for the emulator as --emulator does.
const wantsEmulator = options.emulator || dialect !== undefined || options['emulator-port'] !== undefined
const realSaasus = !wantsEmulator && SAASUS_CREDENTIALS.every((name) => devVars[name])
if (!realSaasus && apiPort === emulatorPort) fail(`the API and the emulator cannot share port ${apiPort}`)
const settings = await Promise.resolve()
  .then(() => devSettings({ devVars, cliVars, ...(realSaasus ? {} : { emulatorPort }) }))
  .catch((error: Error) => fail(error.message))
const problems = await settingsProblems(settings.env)
const source = (name = '') => (name in cliVars ? ' (from --var)' : name in devVars ? ' (from .dev.vars)' : '')
const described = problems.map((problem) => problem + source(/^\w+/.exec(problem)?.[0]))
if (problems.length > 0) fail(`the API would refuse its settings: ${described.join('; ')}`)

const ports = [
  { port: apiPort, what: 'the API', variable: 'API_PORT', flag: '--port' },
  { port: emulatorPort, what: 'the emulator', variable: 'EMULATOR_PORT', flag: '--emulator-port' },
].slice(0, realSaasus ? 1 : 2)
for (const { port, what, variable, flag } of ports) {
  if (await isPortFree(port)) continue
  let free = port + 1
  while (free < port + 20 && (ports.some((other) => other.port === free) || !(await isPortFree(free)))) free++
  const advice = `stop that one, or choose another port: ${variable}=${free} npm run dev (or npm run dev -- ${flag} ${free})`
  fail(`port ${port} (${what}) is taken, probably by another npm run dev; ${advice}`, 1)
}

const children: ChildProcess[] = []
let stopping = false
async function stop(code: number): Promise<never> {
  stopping = true
  const running = children.filter((child) => child.exitCode === null && child.signalCode === null)
  await Promise.all(running.map((child) => new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM'))))
  process.exit(code)
}
process.on('SIGINT', () => void stop(0))
process.on('SIGTERM', () => void stop(0))
// `kill <npm's pid>` stops npm and its shell but not this script: once orphaned, it stops the wranglers itself.
const parent = process.ppid
setInterval(() => process.ppid !== parent && !stopping && void stop(0), 1_000).unref()

/** Starts one wrangler dev, its output the terminal's, and resolves once it reports it is ready. */
function wrangler(args: string[], env: Record<string, string> = {}): Promise<unknown> {
  const child = spawn(process.execPath, [WRANGLER, ...args, '--show-interactive-dev-session=false'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...OFFLINE_WRANGLER_ENV, ...env },
  })
  children.push(child)
  child.once('exit', (code, signal) => {
    if (stopping) return
    console.error(`npm run dev: a wrangler dev stopped (${signal ?? `exit code ${code}`}); its output is above`)
    void stop(1)
  })
  return new Promise((resolve) =>
    child.on('message', (message) => String(message).includes('DEV_SERVER_READY') && resolve(0)),
  )
}

const api = `http://127.0.0.1:${apiPort}`
const emulator = `http://127.0.0.1:${emulatorPort}`
if (!realSaasus) {
  const emulatorArgs = ['dev', '-c', 'emulator/wrangler.toml', '--ip', '127.0.0.1', '--port', String(emulatorPort)]
  const dialectVar = dialect ? ['--var', `EMULATOR_DIALECT:${dialect}`] : []
  // One at a time: two wrangler dev starting together can pick the same free internal port.
  await wrangler([...emulatorArgs, '--var', `DEMO_API_URL:${api}`, ...dialectVar])
}
const command = apiCommand(apiPort, settings.env)
await wrangler(command.args, command.env)
await fetch(api).catch(() => undefined) // wrangler reports ready before the Workers answer

const lines = realSaasus
  ? ['SaaSus credentials found in .dev.vars: the API talks to SaaSus.', `API: ${api}  (reference: ${api}/docs)`]
  : [
      `API:             ${api}  (SaaSus calls go to the emulator)`,
      `SaaSus emulator: ${emulator}  (users and tokens: ${emulator}/_emulator/users)`,
      `Demo page:       ${emulator}/  (enroll a seeded user with your authenticator app)`,
      `API reference:   ${api}/docs`,
      `SaaSus refuses in the "${dialect ?? 'emulator'}" dialect (npm run dev -- --dialect <name>)`,
    ]
const given = [[settings.fromDevVars, '.dev.vars'] as const, [Object.keys(cliVars), '--var'] as const]
const yours = given.filter(([names]) => names.length > 0).map(([names, from]) => `${names.join(', ')} from ${from}`)
if (yours.length > 0) lines.push(`Your settings:   ${yours.join('; ')}`)
lines.push(...settings.notes.map((note) => `Note: ${note}`))
if (!realSaasus) {
  lines.push('')
  for (const user of await seededUsers(emulator)) {
    lines.push(`  ${user.email || `sign-in ID ${user.sign_in_id}`}`, `    ID token:     ${user.id_token}`)
    lines.push(`    access token: ${user.access_token}`)
  }
}
console.log(`\n${lines.join('\n')}\n\nCtrl-C stops ${realSaasus ? 'it' : 'both'}.`)
