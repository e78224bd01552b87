/**
 * `npm run dev`: the API on http://127.0.0.1:8787.
 *
 * With SaaSus credentials in .dev.vars it runs alone and talks to SaaSus. Without
 * them (or with --emulator) it first starts the local SaaSus emulator on :8788,
 * wires the API to it and prints the seeded users' tokens. Either way the API's
 * settings are wrangler.toml's [vars], then .dev.vars, then `--var NAME:value`;
 * with the emulator, the SaaSus credentials and URL are the emulator's.
 *
 * Everything is checked before anything starts: the options, the settings (by the
 * API's own parser) and the ports. A mistake is one line and a non-zero exit.
 */
import { DIALECT_NAMES } from '../emulator/src/dialects.ts'
import { type DevArgs, parseDevArgs, USAGE, UsageError } from './dev-args.ts'
import { type ApiSettings, apiSettings, readDevVars, SAASUS_CREDENTIALS } from './dev-vars.ts'
import { importBundled } from './import-bundled.ts'
import { assertPortFree, PortTakenError, seededUsers, startStack, startWorker, type WorkerProcess } from './stack.ts'

const HELP = `${USAGE}

Starts the API under wrangler dev. Without SaaSus credentials in .dev.vars (or
with --emulator) it starts the local SaaSus emulator too and wires the API to it.

  --emulator            use the emulator even when .dev.vars has SaaSus credentials
  --dialect <name>      the words the emulator refuses in: ${DIALECT_NAMES.join(', ')}
  --var NAME:value      one of the API's settings (wrangler.toml [vars]); wins over .dev.vars
  --port <n>            the API's port (or API_PORT; default 8787)
  --emulator-port <n>   the emulator's port (or EMULATOR_PORT; default 8788)`

function fail(message: string, code = 1): never {
  console.error(`npm run dev: ${message}`)
  process.exit(code)
}

function readArgs(): DevArgs {
  try {
    return parseDevArgs(process.argv.slice(2), process.env)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    return fail(`${error.message}\n${USAGE}`, 2)
  }
}

const args = readArgs()
if (args.help) {
  console.log(HELP)
  process.exit(0)
}

const devVars = readDevVars()
const realSaasus = SAASUS_CREDENTIALS.every((name) => devVars[name]) && !args.emulator
if (realSaasus && args.emulatorOnly.length > 0) {
  fail(
    `${args.emulatorOnly.join(' and ')}: only for the emulator, and .dev.vars has SaaSus credentials, so the API talks to SaaSus; add --emulator`,
    2,
  )
}

function readSettings(): ApiSettings {
  try {
    return apiSettings({ devVars, cliVars: args.vars, realSaasus, emulatorPort: args.emulatorPort })
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    return fail(error.message, 2)
  }
}
const settings = readSettings()

// The API's own parser (src/core/config.ts), so that a bad value fails here and not on every request.
const { parseConfig, ConfigError } = await importBundled<typeof import('../src/core/config.ts')>(
  "export { parseConfig, ConfigError } from './src/core/config.ts'",
)
try {
  parseConfig(settings.env)
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  const from = (problem: string) => {
    const name = /^[A-Z_][A-Z0-9_]*/.exec(problem)?.[0] ?? ''
    return name in args.vars ? ' (from --var)' : name in devVars ? ' (from .dev.vars)' : ''
  }
  fail(`the API would refuse its settings: ${error.problems.map((problem) => problem + from(problem)).join('; ')}`, 2)
}

const ports = [
  { port: args.apiPort, what: 'the API', variable: 'API_PORT', flag: '--port' },
  ...(realSaasus
    ? []
    : [{ port: args.emulatorPort, what: 'the emulator', variable: 'EMULATOR_PORT', flag: '--emulator-port' }]),
]

/** The first free port after `port` (at most 20 tries), to suggest in place of a taken one. */
async function freePortAfter(port: number): Promise<number | undefined> {
  for (let candidate = port + 1; candidate <= Math.min(port + 20, 65_535); candidate++) {
    if (ports.some((other) => other.port === candidate)) continue
    try {
      await assertPortFree(candidate)
      return candidate
    } catch {
      // Taken too: try the next.
    }
  }
  return undefined
}

async function portTaken(port: number): Promise<never> {
  const entry = ports.find((other) => other.port === port) ?? ports[0]
  const free = (await freePortAfter(port)) ?? '<port>'
  return fail(
    `port ${port} (${entry?.what}) is taken, probably by another npm run dev; stop that one, or choose another port: ${entry?.variable}=${free} npm run dev (or npm run dev -- ${entry?.flag} ${free})`,
  )
}

const processes: WorkerProcess[] = []
let stopping = false
const shutdown = async (code: number) => {
  stopping = true
  await Promise.all(processes.map((p) => p.stop()))
  process.exit(code)
}
process.on('SIGINT', () => void shutdown(0))
process.on('SIGTERM', () => void shutdown(0))
// `kill <npm's pid>` reaches npm and its shell but not this script, which would leave the wranglers
// serving with nobody to stop them: once this script is orphaned, it stops them itself.
const parent = process.ppid
setInterval(() => {
  if (process.ppid !== parent && !stopping) void shutdown(0)
}, 1000).unref()

/** A wrangler that stops on its own takes the other one with it, and the exit code says so. */
function watch(name: string, worker: WorkerProcess) {
  processes.push(worker)
  worker.child.once('exit', (code, signal) => {
    if (stopping) return
    console.error(`npm run dev: ${name}'s wrangler dev stopped (${signal ?? `exit code ${code}`}); stopping`)
    void shutdown(1)
  })
}

async function start() {
  try {
    if (realSaasus) {
      const api = await startWorker({
        port: args.apiPort,
        echo: true,
        vars: settings.vars,
        ...(settings.secrets ? { secrets: settings.secrets } : {}),
      })
      return { api, emulator: undefined }
    }
    return await startStack({
      apiPort: args.apiPort,
      emulatorPort: args.emulatorPort,
      apiVars: settings.vars,
      echo: true,
      ...(args.dialect ? { emulatorVars: { EMULATOR_DIALECT: args.dialect } } : {}),
    })
  } catch (error) {
    // The stack checks every port before it starts anything, so a taken one leaves nothing running.
    if (error instanceof PortTakenError) return portTaken(error.port)
    const { code, message } = error as NodeJS.ErrnoException
    // A listen error (EACCES, say) comes before wrangler starts; otherwise wrangler's output above says why.
    return fail(code ? `cannot listen: ${message}` : `${message.split('\n')[0]} (wrangler's output is above)`)
  }
}

const { api, emulator } = await start()
watch('the API', api)
if (emulator) watch('the emulator', emulator)

const given = (source: string, names: string[]) => (names.length > 0 ? [`${names.join(', ')} from ${source}`] : [])
const settingsLine = [...given('.dev.vars', settings.fromDevVars), ...given('--var', Object.keys(args.vars))].join('; ')

if (!emulator) {
  console.log('\nSaaSus credentials found in .dev.vars: the API talks to SaaSus.')
  console.log(`API: ${api.url}  (reference: ${api.url}/docs)`)
} else {
  console.log(`\nAPI:             ${api.url}  (SaaSus calls go to the emulator)`)
  console.log(`SaaSus emulator: ${emulator.url}  (users and tokens: ${emulator.url}/_emulator/users)`)
  console.log(`Demo page:       ${emulator.url}/  (enroll a seeded user with your authenticator app)`)
  console.log(`API reference:   ${api.url}/docs`)
  console.log(`SaaSus refuses in the "${args.dialect ?? 'emulator'}" dialect (npm run dev -- --dialect <name>)`)
}
if (settingsLine) console.log(`Your settings:   ${settingsLine}`)
for (const note of settings.notes) console.log(`Note: ${note}`)
if (emulator) {
  console.log()
  for (const user of await seededUsers(emulator.url)) {
    console.log(`  ${user.email || `sign-in ID ${user.sign_in_id}`}`)
    console.log(`    ID token:     ${user.id_token}`)
    console.log(`    access token: ${user.access_token}`)
  }
}
console.log(`\nCtrl-C stops ${emulator ? 'both' : 'it'}.`)
