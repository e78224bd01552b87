/**
 * `npm run replay:mfa`: replays the sample SPA's MFA dialog over real HTTP against
 * the API under `wrangler dev` (preflight + call, with the SPA's headers, in its
 * order) for each seeded user, and exits non-zero on the first deviation. The
 * requests are test/support/sample-spa.ts, the same the workerd tests replay.
 *
 *   npm run replay:mfa                              starts its own emulator + API (ports 8798/8797)
 *   npm run replay:mfa -- --api URL --emulator URL  replays against a running pair
 *
 * The API is pointed at the emulator only through `--var SAASUS_API_URL_BASE:…`
 * and the credentials, as any SaaSus stand-in that follows the contract would be.
 */
import { parseArgs } from 'node:util'
import { overHttp, replayMfaDialog } from '../test/support/sample-spa.ts'
import { type Stack, seededUsers, startStack } from './stack.ts'

const { values } = parseArgs({ options: { api: { type: 'string' }, emulator: { type: 'string' } } })
// One of localOrigins() in stack.ts: a local SPA dev server.
const ORIGIN = 'http://localhost:3000'

let stack: Stack | undefined
try {
  if (!values.api || !values.emulator) stack = await startStack({ apiPort: 8797, emulatorPort: 8798 })
  const api = values.api ?? stack?.api.url ?? ''
  const emulator = values.emulator ?? stack?.emulator.url ?? ''
  const target = overHttp(api, emulator, ORIGIN)
  const users = (await seededUsers(emulator)).slice(0, 3)
  for (const user of users) {
    // A re-run may find MFA on already: the dialog turns it on and off all the same.
    const { qrCodeUrl } = await replayMfaDialog(target, { idToken: user.id_token, accessToken: user.access_token })
    console.log(
      `ok   ${(user.email || user.sign_in_id).padEnd(24)} ${qrCodeUrl.replace(/secret=[A-Z2-7]+/, 'secret=…')}`,
    )
  }
  console.log(`${users.length} passed, 0 failed`)
} catch (error) {
  console.error(`FAILED: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
} finally {
  await stack?.stop()
}
