/**
 * `npm run replay:mfa`: replays the sample SPA's MFA dialog over real HTTP against
 * the API under `wrangler dev` (preflight + call, with the SPA's headers, in its
 * order) for each seeded user, and exits non-zero on the first deviation.
 *
 *   npm run replay:mfa                              starts its own emulator + API (ports 8798/8797)
 *   npm run replay:mfa -- --api URL --emulator URL  replays against a running pair
 *
 * The API is pointed at the emulator only through `--var SAASUS_API_URL_BASE:…`
 * and the credentials, as any SaaSus stand-in that follows the contract would be.
 */
import { parseArgs } from 'node:util'
import { TOTP } from 'otpauth'
import { type EmulatorUser, type Stack, seededUsers, startStack } from './stack.ts'

const { values } = parseArgs({ options: { api: { type: 'string' }, emulator: { type: 'string' } } })
const ORIGIN = 'http://localhost:3000'

let stack: Stack | undefined
if (!values.api || !values.emulator) stack = await startStack({ apiPort: 8797, emulatorPort: 8798 })
const api = values.api ?? stack?.api.url
const emulator = values.emulator ?? stack?.emulator.url

function fail(message: string): never {
  throw new Error(message)
}

async function spaCall(
  user: EmulatorUser,
  method: string,
  path: string,
  extra: { accessToken?: boolean; body?: unknown },
) {
  const headers: Record<string, string> = {
    Authorization: `Bearer ${user.id_token}`,
    'X-Requested-With': 'XMLHttpRequest',
    'X-SaaSus-Referer': `/user?action=${path.slice(1)}`,
  }
  if (extra.accessToken) headers['X-Access-Token'] = user.access_token
  if (extra.body !== undefined) headers['Content-Type'] = 'application/json'
  const requested = Object.keys(headers)
    .map((h) => h.toLowerCase())
    .join(',')
  const preflight = await fetch(`${api}${path}`, {
    method: 'OPTIONS',
    headers: { Origin: ORIGIN, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': requested },
  })
  if (preflight.status !== 204 || preflight.headers.get('access-control-allow-origin') !== ORIGIN) {
    fail(`preflight ${method} ${path}: ${preflight.status}`)
  }
  const res = await fetch(`${api}${path}`, {
    method,
    headers: { ...headers, Origin: ORIGIN },
    ...(extra.body === undefined ? {} : { body: JSON.stringify(extra.body) }),
  })
  if (res.headers.get('access-control-allow-credentials') !== 'true') fail(`${method} ${path}: no credentials grant`)
  if (res.status !== 200) fail(`${method} ${path}: ${res.status} ${await res.text()}`)
  return res.json() as Promise<Record<string, unknown>>
}

async function replay(user: EmulatorUser): Promise<void> {
  const status = async () => (await spaCall(user, 'GET', '/mfa_status', {})).enabled
  await status() // the dialog opens by reading the status; a re-run may find MFA on already
  const { qrCodeUrl } = (await spaCall(user, 'GET', '/mfa_setup', { accessToken: true })) as { qrCodeUrl: string }
  const secret = new URL(qrCodeUrl).searchParams.get('secret') ?? fail('no secret')
  const code = new TOTP({ secret }).generate()
  await spaCall(user, 'POST', '/mfa_verify', { accessToken: true, body: { verification_code: code } })
  await spaCall(user, 'POST', '/mfa_enable', { body: {} })
  if ((await status()) !== true) fail('status should be true after enable')
  await spaCall(user, 'POST', '/mfa_disable', { body: {} })
  if ((await status()) !== false) fail('status should be false after disable')
  console.log(`ok   ${(user.email || user.sign_in_id).padEnd(24)} ${qrCodeUrl.replace(/secret=[A-Z2-7]+/, 'secret=…')}`)
}

try {
  for (const user of (await seededUsers(emulator ?? fail('no emulator URL'))).slice(0, 3)) await replay(user)
  console.log('3 passed, 0 failed')
} catch (error) {
  console.error(`FAILED: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
} finally {
  await stack?.stop()
}
