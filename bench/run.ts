/**
 * `npm run bench`: the API against the physical floor, on one machine, and the
 * latency model reproduced. Writes bench/results/latest.md with three parts:
 *
 * 1. The production runtime (primary): the dry-run bundles of the API (cache on
 *    and off) and of the floor worker (one signed SaaSus call per request) in
 *    workerd through Miniflare (bench/runtime.ts), logs on, on 127.0.0.1:8870–8878.
 *    The floor, the two-hop floor (a bare forwarder bound to the floor worker), the
 *    core alone and front + core run in BENCH_ROUNDS paired rounds (bench/paired.ts).
 * 2. The latency model (bench/model.ts): a first and a return visit, predicted and
 *    measured through delay proxies on each hop (bench/latency.ts), for the placed
 *    single worker and the front + core layout.
 * 3. The same workers under `wrangler dev` (bench/wrangler-dev.ts), 8820–8825.
 *
 * Settings (environment): BENCH_LATENCY_MS (default 20), BENCH_SECONDS per
 * measured run (default 8), BENCH_SAMPLES per visit (default 3), BENCH_MODEL_SCALE
 * (divides every model delay; default 1), BENCH_QUICK=1 (2 s runs, one sample,
 * delays ÷ 4, no `wrangler dev` part, one round), BENCH_ROUNDS (default 3),
 * BENCH_OUT (default bench/results/latest.md).
 * It is a benchmark, not a test: it asserts nothing, it reports.
 */
import { writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { DEV_WEBHOOK_SECRET } from '../emulator/src/credentials.ts'
import { startWorker } from '../scripts/stack.ts'
import { EMULATOR_CREDENTIALS, EMULATOR_SECRETS, ROOT } from '../scripts/wrangler-local.ts'
import { measureVisits, ORIGIN } from './latency.ts'
import {
  type EmulatorUser,
  emulatorAt,
  log,
  measure,
  QUICK,
  type Row,
  refusalsNote,
  registeredUsers,
  type Scenario,
  SECONDS,
  storageCounter,
  surviveRestart,
  table,
} from './measure.ts'
import { FIRST_VISIT, LAYOUTS, type Layout, RETURN_VISIT, scaled, USERS } from './model.ts'
import { type ModelResult, modelReport } from './model-report.ts'
import {
  CORE_ALONE,
  FLOOR,
  FRONT_AND_CORE,
  PAIRED,
  type PairedRegime,
  pairedReport,
  roundOrder,
  TWO_HOP,
} from './paired.ts'
import { bundle, cpuSeconds, type Runtime, type RuntimeWorker, removeBundles, startRuntime } from './runtime.ts'
import { type SlowReceiver, startSlowReceiver } from './slow-receiver.ts'
import { wranglerDevRows } from './wrangler-dev.ts'

const PORTS = {
  emulator: 8870,
  api: 8871,
  front: 8872,
  floor: 8873,
  apiCacheOff: 8874,
  user: 8875,
  coreProxy: 8876,
  core: 8877,
  twoHop: 8878,
  workers: 8879,
  apiWebhooks: 8880,
  receiver: 8881,
}
/** The slow receiver of the webhooks-on row (bench/slow-receiver.ts) answers every delivery this late. */
const RECEIVER_STALL_MS = 2_000
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20)
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? (QUICK ? 1 : 3))
const SCALE = Number(process.env.BENCH_MODEL_SCALE ?? (QUICK ? 4 : 1))
/** Rounds of the paired targets (bench/paired.ts) in each regime. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 3))
/** Members per page of the tenant scenario: the route's default page size, each member one SaaSus call. */
const MEMBERS_PAGE = 20
const OUT = process.env.BENCH_OUT ?? join(ROOT, 'bench', 'results', 'latest.md')
/** wrangler's line for each request it served. */
const REQUEST_LINE = /\[wrangler:info\] (GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) /

const ENABLE_DISABLE = 'POST /mfa_enable + /mfa_disable'
const ENABLE_DISABLE_WEBHOOKS = `${ENABLE_DISABLE}, webhooks on, receiver answering in ${RECEIVER_STALL_MS / 1000} s`

/** The webhooks-on row against the same changes with webhooks off, in each regime: p50 and rps ratios. */
function webhooksNote(rows: Row[], delivered: number): string {
  const lines = [
    `Security webhooks: each enable and each disable records one event, whose webhook the queue delivers after the`,
    `answer to a receiver of its own (bench/slow-receiver.ts), which takes ${RECEIVER_STALL_MS / 1000} s to answer each (docs/webhooks.md).`,
    `It had received ${delivered} deliveries by the end of part 1. Against the same changes with webhooks off:`,
    '',
  ]
  for (const regime of new Set(rows.map((row) => row.regime))) {
    const off = rows.find((row) => row.regime === regime && row.scenario === ENABLE_DISABLE)?.result
    const on = rows.find((row) => row.regime === regime && row.scenario === ENABLE_DISABLE_WEBHOOKS)?.result
    if (!off || !on) continue
    lines.push(
      `- ${regime}: p50 ${on.p50} ms against ${off.p50} ms (${(on.p50 / off.p50).toFixed(2)}×), ` +
        `${on.rps.toFixed(0)} against ${off.rps.toFixed(0)} requests/s (${(on.rps / off.rps).toFixed(2)}×)`,
    )
  }
  return lines.join('\n')
}

const started = new Date()
log(`starting the emulator (wrangler dev) and the bundles in workerd on 127.0.0.1:${PORTS.emulator}–${PORTS.workers}`)
// What wrangler says once it is ready, requests aside (a runtime crash and restart, say), goes to the
// log: colours off, query strings (an ID token, for /userinfo) cut, a line repeated only once.
let emulatorReady = false
let lastEmulatorLine = ''
const emulatorLine = (line: string) => {
  if (line.includes('Ready on')) emulatorReady = true
  if (!emulatorReady || REQUEST_LINE.test(line)) return
  const text = stripVTControlCharacters(line).trim().replace(/\?\S*/g, '?…')
  if (text !== lastEmulatorLine && !text.includes('Ready on')) log(`emulator: ${text}`)
  lastEmulatorLine = text
}
const emulatorProcess = await startWorker({
  port: PORTS.emulator,
  config: 'emulator/wrangler.toml',
  onLine: emulatorLine,
})
const emulator = emulatorAt(emulatorProcess.url)
const runtimes: Runtime[] = []
/** Stops what is still running (the emulator's stop is a no-op once it has exited). */
let receiver: SlowReceiver | undefined
const stopAll = async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.stop()))
  await receiver?.close()
  receiver = undefined
  await emulatorProcess.stop()
}
process.on('SIGINT', () => void stopAll().then(() => process.exit(130)))

try {
  const saasus = { SAASUS_API_URL_BASE: emulator.url }
  const frontVars = { ALLOWED_ORIGINS: ORIGIN }
  const storage = storageCounter()
  // The API as deployed: the front and the core, the front's CORE binding naming the core. Here
  // both run in one workerd, as the two would in one location: what a placed single Worker costs.
  const apiWith = (
    coreVars: Record<string, string> = {},
    assets?: false,
    coreSecrets: Record<string, string> = {},
  ): RuntimeWorker[] => [
    { name: 'saasus-mfa-edge', config: 'wrangler.toml', vars: frontVars, ...(assets === false ? { assets } : {}) },
    {
      name: 'saasus-mfa-edge-core',
      config: 'wrangler.core.toml',
      vars: { ...saasus, ...coreVars },
      secrets: { ...EMULATOR_SECRETS, ...coreSecrets },
    },
  ]
  const api = await startRuntime({ port: PORTS.api, onLog: storage.line, workers: apiWith() })
  runtimes.push(api)
  // The two Workers alone, as the two-hop floor is: no assets router before the front (Cloudflare's, not billed as theirs).
  const workers = await startRuntime({ port: PORTS.workers, workers: apiWith({}, false) })
  runtimes.push(workers)
  const cacheOff = await startRuntime({ port: PORTS.apiCacheOff, workers: apiWith({ USER_CACHE_TTL_SECONDS: '0' }) })
  runtimes.push(cacheOff)
  // Security webhooks on (docs/webhooks.md), to a receiver that takes RECEIVER_STALL_MS to answer:
  // delivery must add nothing to a change's latency, the webhooks going out through the queue after the answer.
  receiver = await startSlowReceiver({ port: PORTS.receiver, stallMs: RECEIVER_STALL_MS })
  const webhooks = await startRuntime({
    port: PORTS.apiWebhooks,
    onLog: storage.line,
    workers: apiWith({ SECURITY_WEBHOOK_URL: receiver.url }, undefined, {
      SECURITY_WEBHOOK_SECRET: DEV_WEBHOOK_SECRET,
    }),
  })
  runtimes.push(webhooks)
  // The core alone, in a workerd of its own: what runs next to SaaSus, against the floor that does too.
  const core = await startRuntime({ port: PORTS.core, workers: apiWith().slice(1) })
  runtimes.push(core)
  const floorWorker = {
    name: 'floor',
    config: 'bench/floor/wrangler.toml',
    vars: { ...saasus, ...EMULATOR_CREDENTIALS },
  }
  const floor = await startRuntime({ port: PORTS.floor, workers: [floorWorker] })
  runtimes.push(floor)
  // The two-hop floor: a Worker that only forwards, bound to the floor worker, in one workerd as front + core are.
  const twoHop = await startRuntime({
    port: PORTS.twoHop,
    workers: [
      { name: 'forwarder', config: 'bench/floor/forwarder.wrangler.toml', services: { TARGET: 'floor' } },
      floorWorker,
    ],
  })
  runtimes.push(twoHop)
  // The front far from the core: its CORE binding reaches the core through a delaying proxy (the model).
  const front = await startRuntime({
    port: PORTS.front,
    workers: [
      {
        name: 'saasus-mfa-edge',
        config: 'wrangler.toml',
        vars: frontVars,
        services: { CORE: { port: PORTS.coreProxy } },
      },
    ],
  })
  runtimes.push(front)

  // 1. The production runtime.
  // The reader is also how a restart of the emulator is told (surviveRestart): it forgets every user.
  let reader = await emulator.newUser('reader')
  // A tenant admin's page of members: 20 of them, each one SaaSus call (docs/tenant-policy.md).
  let tenant = await emulator.newTenant('bench-tenant', MEMBERS_PAGE - 1)
  const bearer = (user: EmulatorUser) => ({ Authorization: `Bearer ${user.id_token}` })
  const cpuOf = (r: Runtime) => (r.pid === undefined ? undefined : () => cpuSeconds(r.pid as number))
  /** The rows of part 1, reading as `user`. */
  const scenariosOf = (user: EmulatorUser): Scenario[] => {
    const status = [{ method: 'GET' as const, path: '/mfa_status', headers: bearer(user) }]
    const floorRead = [{ method: 'GET' as const, path: `/?user=${user.id}` }]
    // Enabling needs an authenticator registered since MFA was last turned off, and enable and
    // disable share a per-user limit (MFA_CHANGE_LIMITER): each pass is a user of its own,
    // registered (setup + verify) before the run, that turns MFA on and then off once.
    const enableDisable = (url: string) => ({
      url,
      requests: ['/mfa_enable', '/mfa_disable'].map((path) => ({
        method: 'POST' as const,
        path,
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      })),
      usersFor: async (count: number) => (await registeredUsers(emulator, url, count)).map(bearer),
    })
    return [
      { name: FLOOR, url: floor.url, requests: floorRead },
      { name: TWO_HOP, url: twoHop.url, requests: floorRead, cpu: cpuOf(twoHop) },
      { name: CORE_ALONE, url: core.url, requests: status, cpu: cpuOf(core) },
      { name: FRONT_AND_CORE, url: workers.url, requests: status, cpu: cpuOf(workers) },
      { name: 'GET /mfa_status, cache on, with the assets router', url: api.url, requests: status },
      { name: 'GET /mfa_status, cache off', url: cacheOff.url, requests: status, cpu: cpuOf(cacheOff) },
      { name: ENABLE_DISABLE, ...enableDisable(api.url) },
      { name: ENABLE_DISABLE_WEBHOOKS, ...enableDisable(webhooks.url), cpu: cpuOf(webhooks), storage },
      {
        name: `GET /tenants/{id}/mfa_members, a page of ${MEMBERS_PAGE}`,
        url: api.url,
        requests: [
          {
            method: 'GET' as const,
            path: `/tenants/${tenant.id}/mfa_members?limit=${MEMBERS_PAGE}`,
            headers: bearer(tenant.admin),
          },
        ],
      },
    ].map((s) => ({ cpu: cpuOf(s.url === floor.url ? floor : api), ...(s.url === api.url ? { storage } : {}), ...s }))
  }
  const regimes = [
    { name: `latency-bound (${LATENCY_MS} ms/call)`, latencyMs: LATENCY_MS, connections: 8 },
    { name: 'CPU-bound (0 ms/call)', latencyMs: 0, connections: 20 },
  ]
  const rows: Row[] = []
  const paired: PairedRegime[] = []
  for (const regime of regimes) {
    await emulator.setLatency(regime.latencyMs)
    const restore = async () => {
      reader = await emulator.newUser('reader')
      tenant = await emulator.newTenant('bench-tenant', MEMBERS_PAGE - 1)
      await emulator.setLatency(regime.latencyMs)
    }
    const scenarioRow = (index: number) => {
      const row = () => measure(emulator, regime.name, regime.connections, scenariosOf(reader)[index] as Scenario)
      return surviveRestart(
        emulator,
        `"${regime.name} ${scenariosOf(reader)[index]?.name}"`,
        () => reader,
        restore,
        row,
      )
    }
    // The paired targets first, in rounds (bench/paired.ts); the main table shows the first round's.
    const rounds: Row[][] = []
    for (let round = 0; round < ROUNDS; round++) {
      const rowsOfRound: Row[] = []
      for (const index of roundOrder(round)) rowsOfRound.push(await scenarioRow(index))
      rounds.push(PAIRED.map((name) => rowsOfRound.find((row) => row.scenario === name) as Row))
    }
    paired.push({ regime: regime.name, rounds })
    rows.push(...(rounds[0] ?? []))
    for (let index = PAIRED.length; index < scenariosOf(reader).length; index++) rows.push(await scenarioRow(index))
  }
  await emulator.setLatency(0)
  const delivered = receiver.received()

  // 2. The latency model.
  const wiring = {
    emulator,
    apiPort: PORTS.api,
    corePort: PORTS.core,
    entryPort: { 'placed single worker': PORTS.api, 'front + core': PORTS.front } satisfies Record<Layout, number>,
    userProxyPort: PORTS.user,
    coreProxyPort: PORTS.coreProxy,
  }
  const model: ModelResult[] = []
  for (const user of USERS) {
    const hops = scaled(user.hops, SCALE)
    for (const layout of LAYOUTS) {
      // measureVisits makes its own users and sets its own latency: a restart needs only a new reader.
      const restore = async () => {
        reader = await emulator.newUser('reader')
      }
      const [first, back] = await surviveRestart(
        emulator,
        `the model's ${user.name}, ${layout}`,
        () => reader,
        restore,
        () => measureVisits(wiring, layout, hops, [FIRST_VISIT, RETURN_VISIT], SAMPLES),
      )
      model.push({ user, hops, layout, visits: { 'first visit': first ?? [], 'return visit': back ?? [] } })
      log(`model: ${user.name}, ${layout}: measured`)
    }
  }
  // Nothing of parts 1 and 2 keeps running beside part 3's own workers.
  await stopAll()

  // 3. The same under wrangler dev.
  const devRows = QUICK ? [] : await wranglerDevRows(LATENCY_MS)

  const frontBundle = await bundle('wrangler.toml')
  const coreBundle = await bundle('wrangler.core.toml')
  const floorBundle = await bundle('bench/floor/wrangler.toml')
  const finished = new Date()
  const report = [
    '# Benchmark: the API against the floor, and the latency model',
    '',
    `Produced by \`npm run bench\` (bench/run.ts) on ${finished.toISOString()} in ${Math.round((finished.getTime() - started.getTime()) / 1000)} s${QUICK ? ' (BENCH_QUICK=1)' : ''}:`,
    `${cpus().length} CPU(s) (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, everything on 127.0.0.1; load from autocannon`,
    `in a separate process (bench/load.ts). Each measured run follows a 2 s warm-up and is sized to last about ${SECONDS} s`,
    "at the warm-up's rate (200–20000 requests), timed to its last response. SaaSus calls are counted by the emulator (under `wrangler dev` in every part).",
    'Figures are from one run on a shared machine: read the ratios, not the absolutes.',
    '',
    '## The production runtime',
    '',
    `The bundles \`wrangler deploy --dry-run --outdir\` writes (front ${frontBundle.gzipKiB.toFixed(1)} KiB gzip, core ${coreBundle.gzipKiB.toFixed(1)} KiB gzip, floor ${floorBundle.gzipKiB.toFixed(1)} KiB gzip,`,
    'unminified as `wrangler deploy` uploads them), each in its own workerd through Miniflare with the bindings of its',
    "wrangler config (vars, the emulator's development credentials as secrets, rate limits, SQLite Durable Objects, assets);",
    'logs on, received as structured logs rather than relayed over the inspector. _workerd CPU ms/req_ is the user + system',
    "CPU time of that workerd process over the measured run, divided by its responses (it includes Miniflare's entry worker).",
    '',
    'Each enable + disable pass is a user of its own, registered (setup + verify) through the API before the run:',
    'enabling needs an authenticator registered since MFA was last turned off (else `409 mfa_not_registered`), and',
    'enable and disable share a per-user limit of 10 a minute (else `429 too_many_attempts`), so one user turning MFA',
    'on and off in a loop would measure refusals. The registrations are outside the timing and the counts.',
    '',
    table(rows),
    '',
    webhooksNote(rows, delivered),
    '',
    refusalsNote([...rows, ...paired.flatMap((regime) => regime.rounds.slice(1).flat())]),
    '',
    '### The floors, paired',
    '',
    'The floor worker, the two-hop floor (bench/floor/forwarder.ts, a Worker that only forwards, bound to the floor',
    'worker in one workerd, as the front is bound to the core), the core alone and front + core, measured in',
    `${ROUNDS} round(s) per regime, each round in a new order; each value is the median over the rounds with its range,`,
    "each ratio taken within a round. The table above shows the first round. CPU is the serving workerd process's",
    "user + system time over the run ÷ its responses, Miniflare's entry worker included. Front + core here are the two",
    'Workers alone, as the two-hop floor is: without the assets router that `run_worker_first` puts before the front',
    '(Cloudflare runs it outside the Worker and its CPU time); the table above has them with it too.',
    '',
    pairedReport(paired),
    ...(emulator.restarts > 0
      ? [
          '',
          `The emulator's runtime restarted ${emulator.restarts} time(s) during parts 1 and 2 (it then forgets its users, latency and call counts); each row or model run it spoiled was run again.`,
        ]
      : []),
    '',
    modelReport(model, SCALE, SAMPLES),
    '',
    '## The same workers under `wrangler dev` (secondary)',
    '',
    devRows.length > 0
      ? 'Every log line is relayed to wrangler over the inspector, on the same cores: these rows measure wrangler as much as the Worker.'
      : 'Skipped (BENCH_QUICK=1).',
    '',
    ...(devRows.length > 0 ? [table(devRows), '', refusalsNote(devRows), ''] : []),
  ].join('\n')
  writeFileSync(OUT, report)
  console.log(`\n${report}`)
  log(`written to ${OUT}`)
} finally {
  await stopAll()
  removeBundles()
}
