/**
 * What every part of the bench shares: bounded load runs in their own process,
 * the emulator's development API (users, latency, call counts), and one measured
 * row per target with its ratios to the floor worker.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { TOTP } from 'otpauth'
import { ROOT } from '../scripts/wrangler-local.ts'
import type { LoadRequest, LoadResult, LoadSpec } from './load.ts'

/** BENCH_QUICK=1: short runs, one sample of the model, no `wrangler dev` part; for trying the bench. */
export const QUICK = process.env.BENCH_QUICK === '1'
/** Seconds per measured run. */
export const SECONDS = Number(process.env.BENCH_SECONDS ?? (QUICK ? 2 : 8))
/** Hard bounds on any one load run, whatever the measured rate. */
const MAX_REQUESTS = 20_000
const MIN_REQUESTS = 200
/** A warm-up's length; one whose users are made beforehand is a fixed amount instead, about as long. */
const WARM_UP_SECONDS = 2
const WARM_UP_REQUESTS = 400
/** Users registered at once for a scenario that needs them: the API's per-user limits never bind. */
const REGISTER_CONCURRENCY = 8

export const log = (line: string) => console.log(`[bench] ${line}`)
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Runs bench/load.ts in its own process, killed if it outlives `limitMs`. */
export function load(spec: LoadSpec, limitMs: number): Promise<LoadResult> {
  // Through a file: a spec with a header pool is larger than one argument may be (E2BIG).
  const specFile = join(mkdtempSync(join(tmpdir(), 'bench-')), 'spec.json')
  writeFileSync(specFile, JSON.stringify(spec))
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(ROOT, 'bench', 'load.ts'), specFile],
      { timeout: limitMs, killSignal: 'SIGKILL', maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        rmSync(dirname(specFile), { recursive: true, force: true })
        if (error) reject(new Error(`load run failed: ${error.message}\n${stderr}`))
        else resolve(JSON.parse(stdout) as LoadResult)
      },
    )
  })
}

export interface EmulatorUser {
  id: string
  id_token: string
  access_token: string
}

const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
})

/** The emulator's development API at `url`. */
export function emulatorAt(url: string) {
  async function call(path: string, init?: RequestInit): Promise<unknown> {
    const res = await fetch(`${url}/_emulator${path}`, init)
    if (!res.ok) throw new Error(`emulator ${path}: ${res.status} ${await res.text()}`)
    return res.json()
  }
  let made = 0
  return {
    url,
    /** How many times the bench found the emulator restarted (see `surviveRestart`). */
    restarts: 0,
    newUser: async (label: string, tenants?: { id: string; roles: string[] }[]) =>
      (await call(
        '/users',
        json('POST', { email: `${label}-${Date.now()}-${made++}@bench.example`, ...(tenants ? { tenants } : {}) }),
      )) as EmulatorUser,
    /** A tenant of its own with an admin and `members` other members: what a tenant admin's routes read. */
    async newTenant(label: string, members: number): Promise<{ id: string; admin: EmulatorUser }> {
      const { id } = (await call('/tenants', json('POST', { name: `${label}-${Date.now()}` }))) as { id: string }
      const admin = await this.newUser(`${label}-admin`, [{ id, roles: ['admin'] }])
      for (let n = 0; n < members; n++) await this.newUser(`${label}-member`, [{ id, roles: ['user'] }])
      return { id, admin }
    },
    /**
     * Whether the emulator still knows a user it made. Its users live in memory: a restarted
     * emulator refuses every token it issued before (401 invalid_token).
     */
    knows: async (user: EmulatorUser) => (await fetch(`${url}/_emulator/users/${user.id}`)).ok,
    /** Milliseconds added to every SaaSus call. */
    setLatency: (latencyMs: number) => call('/faults', json('PUT', { latencyMs })),
    clearFaults: () => call('/faults', { method: 'DELETE' }),
    resetCalls: () => call('/calls/reset', { method: 'POST' }),
    calls: async () => ((await call('/calls')) as { total: number }).total,
  }
}
export type Emulator = ReturnType<typeof emulatorAt>

/** A current code for the authenticator a `GET /mfa_setup` answer describes. */
export function codeFor(qrCodeUrl: string): string {
  const secret = new URL(qrCodeUrl).searchParams.get('secret') ?? ''
  return new TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 }).generate()
}

/** Registers an authenticator for the user (setup + verify), so that enabling MFA succeeds. */
export async function register(api: string, user: EmulatorUser): Promise<void> {
  const headers = { Authorization: `Bearer ${user.id_token}`, 'X-Access-Token': user.access_token }
  const setup = await fetch(`${api}/mfa_setup`, { headers })
  if (!setup.ok) throw new Error(`registering a bench user: GET /mfa_setup ${setup.status} ${await setup.text()}`)
  const { qrCodeUrl } = (await setup.json()) as { qrCodeUrl: string }
  const verify = await fetch(`${api}/mfa_verify`, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: JSON.stringify({ verification_code: codeFor(qrCodeUrl) }),
  })
  if (!verify.ok) throw new Error(`registering a bench user: POST /mfa_verify ${verify.status} ${await verify.text()}`)
}

/** `count` new users, each with an authenticator registered through the API at `api` (ready to enable MFA). */
export async function registeredUsers(emulator: Emulator, api: string, count: number): Promise<EmulatorUser[]> {
  const users: EmulatorUser[] = []
  let started = 0
  const worker = async () => {
    while (started < count) {
      started += 1
      const user = await emulator.newUser('toggler')
      await register(api, user)
      users.push(user)
    }
  }
  await Promise.all(Array.from({ length: Math.min(REGISTER_CONCURRENCY, count) }, worker))
  return users
}

/**
 * Runs `task`, and once more if the emulator restarted meanwhile (it no longer knows `sentinel()`).
 * The emulator keeps its users, its latency and its call counts in one workerd's memory, and
 * Miniflare restarts a workerd that crashes with nothing in it: whatever ran across a restart
 * measured `401 invalid_token` and `500 user_not_found`, not the API. `restore` makes the sentinel
 * anew (and whatever else the caller keeps in the emulator) before the second run.
 */
export async function surviveRestart<T>(
  emulator: Emulator,
  what: string,
  sentinel: () => EmulatorUser,
  restore: () => Promise<void>,
  task: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await task().then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    )
    if (await emulator.knows(sentinel())) {
      if (outcome.ok) return outcome.value
      throw outcome.error
    }
    emulator.restarts += 1
    if (attempt === 2) throw new Error(`the emulator restarted twice during ${what}`)
    log(`the emulator restarted during ${what}, losing its users, latency and call counts: running it again`)
    await restore()
  }
}

/** Storage round trips per request, from the API's request log lines (src/core/middleware/request-log.ts). */
export function storageCounter() {
  const seen = { requests: 0, roundTrips: 0 }
  return {
    line(text: string): void {
      const start = text.indexOf('{"level"')
      if (start < 0) return
      try {
        const entry = JSON.parse(text.slice(start)) as { event?: string; storage?: number }
        if (entry.event !== 'request') return
        seen.requests += 1
        seen.roundTrips += entry.storage ?? 0
      } catch {
        // not a whole log line
      }
    },
    reset: () => Object.assign(seen, { requests: 0, roundTrips: 0 }),
    perRequest: () => (seen.requests > 0 ? seen.roundTrips / seen.requests : undefined),
  }
}
export type StorageCounter = ReturnType<typeof storageCounter>

export interface Scenario {
  name: string
  url: string
  requests: LoadRequest[]
  headerPool?: Record<string, string>[]
  /**
   * For routes that change a user's state: the headers of `count` fresh users, each ready for one
   * pass through `requests` (a connection takes the next user for each pass). Made before each run,
   * outside its timing and its counts; the warm-up is then WARM_UP_REQUESTS long.
   */
  usersFor?: (count: number) => Promise<Record<string, string>[]>
  /** The API's storage count, when its log lines reach this process. */
  storage?: StorageCounter
  /** CPU seconds so far of the process that runs only this target (its workerd), when known. */
  cpu?: () => number
}

export interface Row {
  regime: string
  scenario: string
  connections: number
  result: LoadResult
  callsPerRequest: number
  storagePerRequest: number | undefined
  /** The target's CPU time per request, in ms, when its process is known. */
  cpuMsPerRequest: number | undefined
}

/** Warm the target (and learn its rate), then one measured run sized to last about SECONDS. */
export async function measure(emulator: Emulator, regime: string, connections: number, s: Scenario): Promise<Row> {
  const spec: LoadSpec = { url: s.url, connections, requests: s.requests }
  if (s.headerPool) spec.headerPool = s.headerPool
  // A user per pass, and one more per connection at each end: a connection that stops mid-pass or
  // sets up its next pass before it stops takes a user it does not finish.
  const withUsers = async (amount: number): Promise<LoadSpec> =>
    s.usersFor
      ? {
          ...spec,
          amount,
          headerPool: await s.usersFor(Math.ceil(amount / s.requests.length) + 2 * connections),
          poolTurn: 'cycle',
        }
      : { ...spec, amount }
  const warm = await load(
    s.usersFor ? await withUsers(WARM_UP_REQUESTS) : { ...spec, durationSeconds: WARM_UP_SECONDS },
    30_000,
  )
  if (warm.non2xx > 0) log(`${regime} ${s.name}: warm-up had ${warm.non2xx} non-2xx${refusalsText(warm)}`)
  const amount = Math.min(MAX_REQUESTS, Math.max(MIN_REQUESTS, Math.round(warm.rps * SECONDS)))
  const measured = await withUsers(amount)
  await sleep(300) // let the warm-up's (and the users') last calls land before the count is reset
  await emulator.resetCalls()
  s.storage?.reset()
  const cpuBefore = s.cpu?.()
  const result = await load(measured, SECONDS * 4_000 + 30_000)
  const cpuAfter = s.cpu?.()
  const calls = await emulator.calls()
  await sleep(300) // the last log lines arrive after the responses
  const cpuMsPerRequest =
    cpuBefore !== undefined && cpuAfter !== undefined ? ((cpuAfter - cpuBefore) * 1000) / result.responses : undefined
  const row = {
    regime,
    scenario: s.name,
    connections,
    result,
    callsPerRequest: calls / result.responses,
    storagePerRequest: s.storage?.perRequest(),
    cpuMsPerRequest,
  }
  log(
    `${regime} ${s.name}: ${result.rps.toFixed(0)} rps, p50 ${result.p50} ms, p99 ${result.p99} ms, ` +
      `${row.callsPerRequest.toFixed(2)} calls/req, ${cpuMsPerRequest?.toFixed(2) ?? '–'} CPU ms/req, ` +
      `${result.non2xx} non-2xx${refusalsText(result)}, ${result.errors} errors`,
  )
  return row
}

/** `429 too_many_attempts: 12, 409 mfa_not_registered: 3`, most frequent first; empty when there were none. */
export function refusalsList(result: LoadResult): string {
  const counts = Object.entries(result.refusals).sort(([, x], [, y]) => y - x)
  return counts.map(([key, n]) => `${key}: ${n}`).join(', ')
}

/** ` (429 too_many_attempts: 12)` for a log line; empty when every answer was a 2xx. */
function refusalsText(result: LoadResult): string {
  return result.non2xx > 0 ? ` (${refusalsList(result)})` : ''
}

/** A note under a table: its rows' non-2xx answers by status and code, or that there were none. */
export function refusalsNote(rows: Row[]): string {
  const refused = rows.filter((row) => row.result.non2xx + row.result.errors > 0)
  if (refused.length === 0) return 'Every answer of every measured run was a 2xx.'
  const lines = refused.map((row) => {
    const errors = row.result.errors > 0 ? ` (and ${row.result.errors} connection errors)` : ''
    return `- ${row.regime}, ${row.scenario}: ${refusalsList(row.result) || 'none'}${errors}`
  })
  return ['Non-2xx answers by status and code (such a row measures refusals, not the route):', '', ...lines].join('\n')
}

const ratio = (value: number, floor: number | undefined) =>
  floor !== undefined && floor > 0 ? (value / floor).toFixed(2) : '–'
const fixed = (value: number | undefined) => value?.toFixed(2) ?? '–'

/** The rows as a markdown table, each with its ratios to the floor worker of its regime. */
export function table(rows: Row[]): string {
  const lines = [
    '| regime | scenario | conns | requests | rps | p50 ms | p99 ms | SaaSus calls/req | storage round trips/req | workerd CPU ms/req | rps/floor | p50/floor | p99/floor | non-2xx |',
    '| --- | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |',
  ]
  for (const row of rows) {
    const floor = rows.find((r) => r.regime === row.regime && r.scenario === 'floor worker')?.result
    const r = row.result
    lines.push(
      `| ${row.regime} | ${row.scenario} | ${row.connections} | ${r.responses} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ` +
        `${row.callsPerRequest.toFixed(2)} | ${fixed(row.storagePerRequest)} | ${fixed(row.cpuMsPerRequest)} | ` +
        `${ratio(r.rps, floor?.rps)} | ${ratio(r.p50, floor?.p50)} | ${ratio(r.p99, floor?.p99)} | ${r.non2xx + r.errors} |`,
    )
  }
  return lines.join('\n')
}
