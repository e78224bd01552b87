/**
 * `npm run dev`: the API on http://127.0.0.1:8787.
 *
 * With SaaSus credentials in .dev.vars it runs alone and talks to SaaSus. Without
 * them (or with --emulator) it first starts the local SaaSus emulator on :8788,
 * wires the API to it and prints the seeded users' tokens.
 */
import { DIALECT_NAMES } from '../emulator/src/dialects.ts'
import { readDevVars } from './dev-vars.ts'
import { seededUsers, startStack, startWorker, type WorkerProcess } from './stack.ts'

const API_PORT = Number(process.env.API_PORT ?? 8787)
const EMULATOR_PORT = Number(process.env.EMULATOR_PORT ?? 8788)

function hasRealCredentials(): boolean {
  const vars = readDevVars()
  return ['SAASUS_SAAS_ID', 'SAASUS_API_KEY', 'SAASUS_SECRET_KEY'].every((name) => vars[name])
}

/** `--dialect <name>`: the words the emulator refuses in (emulator/src/dialects.ts). */
function dialectArgument(): string | undefined {
  const index = process.argv.findIndex((arg) => arg === '--dialect' || arg.startsWith('--dialect='))
  if (index === -1) return undefined
  const arg = process.argv[index] ?? ''
  const name = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : process.argv[index + 1]
  if (!name || !(DIALECT_NAMES as string[]).includes(name)) {
    console.error(`--dialect must be one of: ${DIALECT_NAMES.join(', ')}`)
    process.exit(2)
  }
  return name
}
const dialect = dialectArgument()

const processes: WorkerProcess[] = []
const shutdown = async () => {
  await Promise.all(processes.map((p) => p.stop()))
  process.exit(0)
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)

if (hasRealCredentials() && !process.argv.includes('--emulator')) {
  console.log('SaaSus credentials found in .dev.vars: the API talks to SaaSus.')
  processes.push(await startWorker({ port: API_PORT, echo: true, vars: { SERVE_API_REFERENCE: 'true' } }))
  console.log(`\nAPI: http://127.0.0.1:${API_PORT}  (reference: http://127.0.0.1:${API_PORT}/docs)`)
} else {
  const stack = await startStack({
    apiPort: API_PORT,
    emulatorPort: EMULATOR_PORT,
    echo: true,
    ...(dialect ? { emulatorVars: { EMULATOR_DIALECT: dialect } } : {}),
  })
  processes.push(stack.api, stack.emulator)
  console.log(`\nAPI:             ${stack.api.url}  (SaaSus calls go to the emulator)`)
  console.log(`SaaSus emulator: ${stack.emulator.url}  (users and tokens: ${stack.emulator.url}/_emulator/users)`)
  console.log(`Demo page:       ${stack.emulator.url}/  (enroll a seeded user with your authenticator app)`)
  console.log(`API reference:   ${stack.api.url}/docs`)
  console.log(`SaaSus refuses in the "${dialect ?? 'emulator'}" dialect (npm run dev -- --dialect <name>)\n`)
  for (const user of await seededUsers(stack.emulator.url)) {
    console.log(`  ${user.email || `sign-in ID ${user.sign_in_id}`}`)
    console.log(`    ID token:     ${user.id_token}`)
    console.log(`    access token: ${user.access_token}`)
  }
  console.log('\nCtrl-C stops both.')
}
