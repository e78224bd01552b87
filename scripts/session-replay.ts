/**
 * `npm run replay:session`: the public sample SPA's whole sign-in loop over real
 * HTTP against the API under `wrangler dev` with the SaaSus emulator: hosted
 * login → callback (/credentials) → /userinfo and routing by role → the MFA
 * dialog → ID token expiry → /refresh from the cookie → sign-out. The steps are
 * test/support/sample-spa.ts, the same the workerd test replays.
 *
 *   npm run replay:session                              starts its own emulator + API (ports 8841/8840)
 *   npm run replay:session -- --api URL --emulator URL  replays against a running pair
 *   --id-token-lifetime SECONDS                         how long the session's ID tokens live (default 5)
 */
import { parseArgs } from 'node:util'
import { overHttp, replaySampleSpa } from '../test/support/sample-spa.ts'
import { type Stack, seededUsers, startStack } from './stack.ts'

const { values } = parseArgs({
  options: {
    api: { type: 'string' },
    emulator: { type: 'string' },
    'id-token-lifetime': { type: 'string', default: '5' },
  },
})
// One of localOrigins() in stack.ts: a local SPA dev server.
const ORIGIN = 'http://localhost:3000'

let stack: Stack | undefined
try {
  if (!values.api || !values.emulator) stack = await startStack({ apiPort: 8840, emulatorPort: 8841 })
  const api = values.api ?? stack?.api.url ?? ''
  const emulator = values.emulator ?? stack?.emulator.url ?? ''
  // A seeded user: alice@example.com, admin of the emulated tenant.
  const alice = (await seededUsers(emulator)).find((user) => user.email === 'alice@example.com')
  if (!alice) throw new Error('the emulator has no alice@example.com')

  const started = Date.now()
  const result = await replaySampleSpa(overHttp(api, emulator, ORIGIN), {
    userId: alice.id,
    idTokenLifetimeSeconds: Number(values['id-token-lifetime']),
    log: (line) => console.log(`  ${line}`),
  })
  console.log(`ok   alice@example.com landed on ${result.landing}`)
  console.log(`     cookie: ${result.refreshCookie.replace(/=[^;]+/, '=…')}`)
  console.log(`     ${result.calls.length} calls in ${Date.now() - started} ms (including the wait for exp)`)
} catch (error) {
  console.error(`FAILED: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
} finally {
  await stack?.stop()
}
