/**
 * `npm run dev`: the API on http://127.0.0.1:8787, its front and core in one `wrangler dev -c
 * wrangler.toml -c wrangler.core.toml`. Without SaaSus credentials in .dev.vars (or with --emulator)
 * the SaaSus emulator runs beside it on :8788 (`wrangler dev -c emulator/wrangler.toml`), each start
 * keeps no state of the last, and the banner shows how to fetch the seeded users' tokens. wrangler
 * runs, binds, reloads and logs the Workers; this script checks the options, the settings and the
 * ports first, a mistake being one line and a non-zero exit.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { parseArgs, stripVTControlCharacters } from 'node:util'
import { DIALECT_NAMES } from '../emulator/src/dialects.ts'
import { envRoles, requestedTenants, SEEDED_TENANTS, SEEDED_USERS } from '../emulator/src/store.ts'
import {
  apiCommand,
  closest,
  devSettings,
  readDevVars,
  SAASUS_CREDENTIALS,
  settingsProblems,
  webhookTarget,
} from './dev-settings.ts'
import { isPortFree, untilAnswering } from './stack.ts'
import { freshState, OFFLINE_WRANGLER_ENV, ROOT, secretsFile, WRANGLER } from './wrangler-local.ts'

const HELP = `usage: npm run dev -- [--emulator] [--dialect <name>] [--var NAME:value]... [--port <n>] [--emulator-port <n>] [--persist-to <dir>]

Starts the API under wrangler dev, and the SaaSus emulator unless .dev.vars has SaaSus credentials.

  --emulator            use the emulator even when .dev.vars has SaaSus credentials
  --dialect <name>      the words the emulator refuses in: ${DIALECT_NAMES.join(', ')}
  --var NAME:value      one of the API's settings (either Worker's [vars]); wins over .dev.vars
  --port <n>            the API's port (or API_PORT; default 8787)
  --emulator-port <n>   the emulator's port (or EMULATOR_PORT; default 8788)
  --persist-to <dir>    keep the API's state in <dir> across starts (by default none is kept with the
                        emulator, and .wrangler/state holds it with SaaSus)`
const OPTIONS = {
  emulator: { type: 'boolean' },
  dialect: { type: 'string' },
  var: { type: 'string', multiple: true },
  port: { type: 'string' },
  'emulator-port': { type: 'string' },
  'persist-to': { type: 'string' },
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
if (options['persist-to'] === '') fail('--persist-to takes a directory, as in --persist-to .wrangler/my-state')
// Relative to where npm was run (INIT_CWD), not to the root it runs scripts in.
const persistTo = options['persist-to'] && resolve(process.env.INIT_CWD ?? process.cwd(), options['persist-to'])
if (persistTo && existsSync(persistTo) && !statSync(persistTo).isDirectory()) {
  fail(`--persist-to ${options['persist-to']}: that is a file, not a directory`)
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
  .then(() => devSettings({ devVars, cliVars, environment: process.env, ...(realSaasus ? {} : { emulatorPort }) }))
  .catch((error: Error) => fail(error.message))
const problems = await settingsProblems(settings.env)
const sources = [
  [Object.keys(cliVars), '--var'],
  [Object.keys(devVars), '.dev.vars'],
  [settings.fromEnvironment, 'the environment'],
] as const
const source = (name = '') => {
  const found = sources.find(([names]) => names.includes(name))
  return found ? ` (from ${found[1]})` : ''
}
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

// wrangler's output passes through this script, in colour when it reaches a terminal, as it would unpiped.
const colour = process.stdout.isTTY && !('FORCE_COLOR' in process.env || 'NO_COLOR' in process.env)

/**
 * Starts one wrangler dev on `url`, its output passed on, and resolves once its Workers answer:
 * after wrangler's "Ready on <url>", which it prints once they run (its IPC "ready" comes before),
 * and a probe that they answer which prints no request line (stack.ts untilAnswering).
 */
async function wrangler(url: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  const child = spawn(process.execPath, [WRANGLER, ...args, '--show-interactive-dev-session=false'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...OFFLINE_WRANGLER_ENV, ...(colour ? { FORCE_COLOR: '1' } : {}), ...env },
  })
  children.push(child)
  child.once('exit', (code, signal) => {
    if (stopping) return
    console.error(`npm run dev: a wrangler dev stopped (${signal ?? `exit code ${code}`}); its output is above`)
    void stop(1)
  })
  await new Promise<void>((resolve) => {
    for (const [from, to] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ] as const) {
      // A chunk may end mid-line: its tail waits for the next one.
      let partial = ''
      from.on('data', (chunk: Buffer) => {
        to.write(chunk)
        const lines = stripVTControlCharacters(partial + chunk.toString()).split('\n')
        partial = lines.pop() ?? ''
        if (lines.some((line) => line.includes(`Ready on ${url}`))) resolve()
      })
    }
  })
  if (await untilAnswering(url)) return
  console.error(`npm run dev: ${url} did not answer within 60 s of wrangler's "Ready"; its output is above`)
  await stop(1)
}

const api = `http://127.0.0.1:${apiPort}`
const emulator = `http://127.0.0.1:${emulatorPort}`
const webhooks = webhookTarget(settings.env, realSaasus ? undefined : emulatorPort)
// The emulator keeps its users in memory: against it, each start begins with no state, the API's
// included (wrangler-local.ts freshState), unless --persist-to says where to keep the API's.
const fresh = realSaasus ? undefined : freshState(`dev-${apiPort}`)
const apiState = persistTo || (fresh && join(fresh, 'api'))
if (fresh) {
  const emulatorArgs = ['dev', '-c', 'emulator/wrangler.toml', '--ip', '127.0.0.1', '--port', String(emulatorPort)]
  const emulatorVars = ['--var', `DEMO_API_URL:${api}`, ...(dialect ? ['--var', `EMULATOR_DIALECT:${dialect}`] : [])]
  const emulatorState = ['--persist-to', join(fresh, 'emulator')]
  // Its receiver verifies the webhooks sent to it with the API's secret.
  const secret = webhooks?.toEmulator && settings.env.SECURITY_WEBHOOK_SECRET
  const secrets = secretsFile(emulatorPort, secret ? { SECURITY_WEBHOOK_SECRET: secret } : {})
  // One at a time: two wrangler dev starting together can pick the same free internal port.
  await wrangler(emulator, [...emulatorArgs, ...emulatorState, ...secrets, ...emulatorVars])
}
const command = apiCommand(apiPort, settings.env)
await wrangler(api, [...command.args, ...(apiState ? ['--persist-to', apiState] : [])], command.env)

/** A seeded tenant for the banner: `<name> <id> (admin <who>; members <who>, …)`, from the seeds in store.ts. */
function seededTenant(tenant: (typeof SEEDED_TENANTS)[number]): string {
  const admins: string[] = []
  const members: string[] = []
  for (const user of SEEDED_USERS) {
    const membership = requestedTenants(user).find((joined) => joined.id === tenant.id)
    if (!membership) continue
    const who = user.email ?? user.sign_in_id ?? ''
    if ([...envRoles(membership).values()].some((roles) => roles.includes('admin'))) admins.push(who)
    else members.push(who)
  }
  const named = (word: string, who: string[]) => (who.length > 1 ? `${word}s ` : `${word} `) + who.join(', ')
  const roles = [admins.length > 0 && named('admin', admins), members.length > 0 && named('member', members)]
  return `${tenant.name} ${tenant.id} (${roles.filter(Boolean).join('; ')})`
}

const shown = (dir: string) => (relative(ROOT, dir).startsWith('..') ? dir : relative(ROOT, dir))
const state = persistTo
  ? `the API's kept in ${shown(persistTo)}${realSaasus ? '' : " (the emulator's users start afresh)"}`
  : realSaasus
    ? 'kept in .wrangler/state (npm run dev -- --persist-to <dir> keeps it elsewhere)'
    : "none kept between starts (npm run dev -- --persist-to <dir> keeps the API's)"
// Where the security webhooks go; never their secret.
const webhookLine = !webhooks
  ? 'off (set SECURITY_WEBHOOK_URL and SECURITY_WEBHOOK_SECRET)'
  : webhooks.toEmulator
    ? `${webhooks.url}  (the emulator's receiver, shown on the demo page)`
    : webhooks.url
const lines = realSaasus
  ? [
      'SaaSus credentials found in .dev.vars: the API talks to SaaSus.',
      `API: ${api}  (reference: ${api}/docs)`,
      `Webhooks: ${webhookLine}`,
      `State: ${state}`,
    ]
  : [
      `API:             ${api}  (SaaSus calls go to the emulator)`,
      `SaaSus emulator: ${emulator}  (users and tokens: ${emulator}/_emulator/users)`,
      `Demo page:       ${emulator}/  (enroll a seeded user with your authenticator app)`,
      `API reference:   ${api}/docs`,
      `Webhooks:        ${webhookLine}`,
      `SaaSus refuses in the "${dialect ?? 'emulator'}" dialect (npm run dev -- --dialect <name>)`,
      `State:           ${state}`,
    ]
const given = [
  [settings.fromEnvironment, 'the environment'] as const,
  [settings.fromDevVars, '.dev.vars'] as const,
  [Object.keys(cliVars), '--var'] as const,
]
const yours = given.filter(([names]) => names.length > 0).map(([names, from]) => `${names.join(', ')} from ${from}`)
if (yours.length > 0) lines.push(`Your settings:   ${yours.join('; ')}`)
lines.push(...settings.notes.map((note) => `Note: ${note}`))
if (!realSaasus) {
  // The same users on every start, with new tokens: a shell takes them with curl rather than a copy.
  lines.push('', "Seeded users' ID tokens (new on every start; /access_token and /id likewise):")
  for (const user of SEEDED_USERS)
    lines.push(`  curl -s ${emulator}/_emulator/users/${user.email ?? user.sign_in_id}/id_token`)
  lines.push(`Tenants: ${SEEDED_TENANTS.map(seededTenant).join(', ')}`)
}
console.log(`\n${lines.join('\n')}\n\nCtrl-C stops ${realSaasus ? 'it' : 'both'}.`)
