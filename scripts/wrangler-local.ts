/**
 * How this project runs wrangler on a laptop: where it is, what keeps it offline, and the
 * development secrets of every run against the SaaSus emulator (npm run dev, the stack, the bench).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DEV_WEBHOOK_SECRET, EMULATOR_CREDENTIALS } from '../emulator/src/credentials.ts'

export { DEV_WEBHOOK_SECRET, EMULATOR_CREDENTIALS }

export const ROOT = join(import.meta.dirname, '..')
// Run by the Node that runs this script (24, from the `node` devDependency), not by
// whatever `node` the bin's shebang finds first on PATH (the system's may be 20).
export const WRANGLER = join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js')

/** Every wrangler this project runs gets these: both would try the network (the Request.cf object download, usage metrics). */
export const OFFLINE_WRANGLER_ENV = { CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' } as const

/**
 * An empty directory under .wrangler/ (git-ignored) for a `wrangler dev --persist-to`, emptied
 * first: against the emulator, which keeps its users in memory, a start keeps nothing of the last
 * one, so the API's Durable Objects never remember what the emulator forgot (and never pile up).
 */
export function freshState(name: string): string {
  const dir = join(ROOT, '.wrangler', 'fresh-state', name)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  return dir
}

/**
 * The key that seals kept authenticator secrets (MFA_ENCRYPTION_KEY) in local runs and tests
 * against the emulator: a well-known development value, like the emulator's credentials; never deploy it.
 */
export const DEV_MFA_ENCRYPTION_KEY = 'dev:g3TL0bS/Tdt6yqXllR8I+x0XBeB540cRYV3syyHlvMw='

/** The core's secrets wherever it talks to the emulator: its credentials and the development key. */
export const EMULATOR_SECRETS = { ...EMULATOR_CREDENTIALS, MFA_ENCRYPTION_KEY: DEV_MFA_ENCRYPTION_KEY }

/**
 * The core's security webhooks in a run against the emulator: to the emulator's receiver, signed
 * with the development secret it verifies by default, and retried after 1 s to a minute (seven
 * retries, the queue's max_retries, about two minutes to a dead letter) so that a demo shows them.
 */
export function emulatorWebhooks(emulatorPort: number): Record<string, string> {
  return {
    SECURITY_WEBHOOK_URL: `http://127.0.0.1:${emulatorPort}/_emulator/webhooks`,
    SECURITY_WEBHOOK_SECRET: DEV_WEBHOOK_SECRET,
    SECURITY_WEBHOOK_RETRY_DELAYS: '1,2,4,8,15,30,60',
  }
}

/**
 * `--env-file <file>` giving `secrets` to the lone Worker of a `wrangler dev` on `port` (the
 * emulator's): its config declares no [secrets], so wrangler gives it every entry of that file, as
 * hidden bindings, and nothing of the environment; a --var would print the value in wrangler's
 * list of bindings and on the command line. The file, its owner's only, is replaced on each start
 * on that port; no secrets, no file.
 */
export function secretsFile(port: number, secrets: Record<string, string>): string[] {
  const file = join(ROOT, '.wrangler', 'worker-secrets', `${port}.env`)
  rmSync(file, { force: true })
  if (Object.keys(secrets).length === 0) return []
  mkdirSync(join(file, '..'), { recursive: true })
  const lines = Object.entries(secrets).map(([name, value]) => `${name}=${JSON.stringify(value)}\n`)
  writeFileSync(file, lines.join(''), { mode: 0o600 })
  return ['--env-file', file]
}
