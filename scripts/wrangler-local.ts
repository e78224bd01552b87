/**
 * How this project runs wrangler on a laptop: where it is, what keeps it offline, and the
 * development secrets of every run against the SaaSus emulator (npm run dev, the stack, the bench).
 */
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { EMULATOR_CREDENTIALS } from '../emulator/src/credentials.ts'

export { EMULATOR_CREDENTIALS }

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
