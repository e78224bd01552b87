/**
 * `npm run bench`: the API against the physical floor, on one machine.
 *
 * Starts, under `wrangler dev` on 127.0.0.1:8820–8825, the SaaSus emulator, the
 * API (user cache on), the API with USER_CACHE_TTL_SECONDS=0 (the design every
 * public sample uses: two sequential SaaSus calls), and the floor worker (one
 * signed SaaSus call per request, nothing else). For each regime it sets the
 * emulator's per-call latency, warms each target, then drives a bounded load
 * from a separate process (bench/load.ts, autocannon) and counts SaaSus calls
 * per request with the emulator. Last, it reproduces two rows of docs/performance.md's
 * latency model by putting a delaying proxy between the client and the API.
 *
 * Settings (environment): BENCH_LATENCY_MS (default 20), BENCH_SECONDS per
 * measured run (default 8), BENCH_OUT (default bench/results/latest.md).
 * It is a benchmark, not a test: it asserts nothing, it reports.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { TOTP } from 'otpauth'
import { EMULATOR_CREDENTIALS, ROOT, startStack, startWorker, type WorkerProcess } from '../scripts/stack.ts'
import { startDelayProxy } from './delay-proxy.ts'
import type { LoadRequest, LoadResult, LoadSpec } from './load.ts'

const PORTS = { emulator: 8820, api: 8821, apiCacheOff: 8822, floor: 8823, proxy: 8824, apiQuietLog: 8825 } as const
/** Users the setup scenario rotates through: each stays far under its 10-a-minute setup limit. */
const SETUP_USERS = 1_000
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8)
const OUT = process.env.BENCH_OUT ?? join(ROOT, 'bench', 'results', 'latest.md')
/** Hard bounds on any one load run, whatever the measured rate. */
const MAX_REQUESTS = 20_000
const MIN_REQUESTS = 200

interface EmulatorUser {
  id: string
  id_token: string
  access_token: string
}

const log = (line: string) => console.log(`[bench] ${line}`)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Runs bench/load.ts in its own process, killed if it outlives `limitMs`. */
function load(spec: LoadSpec, limitMs: number): Promise<LoadResult> {
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

async function emulator(path: string, init?: RequestInit): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${PORTS.emulator}/_emulator${path}`, init)
  if (!res.ok) throw new Error(`emulator ${path}: ${res.status} ${await res.text()}`)
  return res.json()
}

const json = (body: unknown): RequestInit => ({
  method: 'PUT',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
})

async function newUser(label: string): Promise<EmulatorUser> {
  return (await emulator('/users', {
    ...json({ email: `${label}-${Date.now()}@bench.example` }),
    method: 'POST',
  })) as EmulatorUser
}

/** Registers an authenticator for the user (setup + verify), so that enabling MFA succeeds. */
async function register(api: string, user: EmulatorUser): Promise<void> {
  const headers = { Authorization: `Bearer ${user.id_token}`, 'X-Access-Token': user.access_token }
  const setup = (await (await fetch(`${api}/mfa_setup`, { headers })).json()) as { qrCodeUrl: string }
  const secret = new URL(setup.qrCodeUrl).searchParams.get('secret') ?? ''
  const code = new TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 }).generate()
  const verify = await fetch(`${api}/mfa_verify`, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: JSON.stringify({ verification_code: code }),
  })
  if (!verify.ok) throw new Error(`registering the bench user failed: ${verify.status}`)
}

interface Scenario {
  name: string
  url: string
  requests: LoadRequest[]
  headerPool?: Record<string, string>[]
}

interface Row {
  regime: string
  scenario: string
  connections: number
  result: LoadResult
  callsPerRequest: number
}

/** Warm the target (and learn its rate), then one measured run sized to last about SECONDS. */
async function measure(regime: string, connections: number, scenario: Scenario): Promise<Row> {
  const spec = {
    url: scenario.url,
    connections,
    requests: scenario.requests,
    ...(scenario.headerPool ? { headerPool: scenario.headerPool } : {}),
  }
  const warm = await load({ ...spec, durationSeconds: 2 }, 30_000)
  await sleep(300) // let the warm-up's last calls land before the count is reset
  await emulator('/calls/reset', { method: 'POST' })
  const amount = Math.min(MAX_REQUESTS, Math.max(MIN_REQUESTS, Math.round(warm.rps * SECONDS)))
  const result = await load({ ...spec, amount }, SECONDS * 4_000 + 30_000)
  const calls = (await emulator('/calls')) as { total: number }
  const row = { regime, scenario: scenario.name, connections, result, callsPerRequest: calls.total / result.responses }
  log(
    `${regime} ${scenario.name}: ${result.rps.toFixed(0)} rps, p50 ${result.p50} ms, p99 ${result.p99} ms, ` +
      `${row.callsPerRequest.toFixed(2)} calls/req, ${result.non2xx} non-2xx, ${result.errors} errors`,
  )
  return row
}

const ratio = (value: number, floor: number) => (floor > 0 ? (value / floor).toFixed(2) : '–')

function table(rows: Row[]): string {
  const lines = [
    '| regime | scenario | conns | requests | rps | p50 ms | p99 ms | SaaSus calls/req | rps/floor | p50/floor | p99/floor | non-2xx |',
    '| --- | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |',
  ]
  for (const row of rows) {
    const floor = rows.find((r) => r.regime === row.regime && r.scenario === 'floor worker')?.result
    const r = row.result
    lines.push(
      `| ${row.regime} | ${row.scenario} | ${row.connections} | ${r.responses} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ` +
        `${row.callsPerRequest.toFixed(2)} | ${floor ? ratio(r.rps, floor.rps) : '–'} | ${floor ? ratio(r.p50, floor.p50) : '–'} | ` +
        `${floor ? ratio(r.p99, floor.p99) : '–'} | ${r.non2xx + r.errors} |`,
    )
  }
  return lines.join('\n')
}

interface ModelRow {
  row: string
  step: string
  predictedMs: number
  p50: number
}

/**
 * Reproduces latency-model rows: a client `clientRttMs` from the Worker and a
 * SaaSus `saasusRttMs` from it, with a sequential client (one connection).
 */
async function modelRows(user: EmulatorUser, overheadMs: number): Promise<ModelRow[]> {
  const origin = 'http://localhost:3000'
  const cases = [
    { row: 'Europe user, Worker at the edge', clientRttMs: 20, saasusRttMs: 236 },
    { row: 'Europe user, Worker placed near SaaSus', clientRttMs: 256, saasusRttMs: 2 },
  ]
  const out: ModelRow[] = []
  for (const c of cases) {
    await emulator('/faults', json({ latencyMs: c.saasusRttMs }))
    const proxy = await startDelayProxy({ port: PORTS.proxy, target: PORTS.api, oneWayMs: c.clientRttMs / 2 })
    try {
      const auth = { Authorization: `Bearer ${user.id_token}`, Origin: origin }
      const steps: { step: string; calls: number; rtts: number; requests: LoadRequest[] }[] = [
        {
          step: 'preflight',
          calls: 0,
          rtts: 1,
          requests: [
            {
              method: 'OPTIONS',
              path: '/mfa_status',
              headers: {
                Origin: origin,
                'Access-Control-Request-Method': 'GET',
                'Access-Control-Request-Headers': 'authorization',
              },
            },
          ],
        },
        {
          step: 'cached read (GET /mfa_status)',
          calls: 1,
          rtts: 1,
          requests: [{ method: 'GET', path: '/mfa_status', headers: auth }],
        },
        {
          step: 'mutation (POST /mfa_disable)',
          calls: 2,
          rtts: 1,
          requests: [
            {
              method: 'POST',
              path: '/mfa_disable',
              headers: { ...auth, 'Content-Type': 'application/json' },
              body: '{}',
            },
          ],
        },
      ]
      for (const s of steps) {
        const spec = { url: proxy.url, connections: 1, requests: s.requests }
        await load({ ...spec, amount: 3 }, 30_000) // warm: connection, isolate, user cache
        const result = await load({ ...spec, amount: 15 }, 60_000)
        const predictedMs = s.rtts * c.clientRttMs + s.calls * c.saasusRttMs + (s.calls > 0 ? overheadMs : 0)
        out.push({
          row: `${c.row} (client RTT ${c.clientRttMs} ms, SaaSus RTT ${c.saasusRttMs} ms)`,
          step: s.step,
          predictedMs,
          p50: result.p50,
        })
        log(`model: ${c.row}, ${s.step}: predicted ${predictedMs} ms, measured p50 ${result.p50} ms`)
      }
    } finally {
      await proxy.close()
    }
  }
  return out
}

const started = new Date()
log(
  `starting the emulator, the API (cache on and off) and the floor worker on 127.0.0.1:${PORTS.emulator}–${PORTS.floor}`,
)
const stack = await startStack({
  apiPort: PORTS.api,
  emulatorPort: PORTS.emulator,
  apiVars: { USER_CACHE_TTL_SECONDS: '60' },
})
const workers: WorkerProcess[] = [stack.api, stack.emulator]
const stopAll = () => Promise.all(workers.map((w) => w.stop()))
process.on('SIGINT', () => void stopAll().then(() => process.exit(130)))

try {
  const shared = { ...EMULATOR_CREDENTIALS, SAASUS_API_URL_BASE: stack.emulator.url }
  // One at a time: two wrangler dev starting together can pick the same free internal port.
  const cacheOff = await startWorker({ port: PORTS.apiCacheOff, vars: { ...shared, USER_CACHE_TTL_SECONDS: '0' } })
  workers.push(cacheOff)
  const floor = await startWorker({ port: PORTS.floor, config: 'bench/floor/wrangler.toml', vars: shared })
  workers.push(floor)
  // The same API logging only failures: how much of its cost here is the log line per request.
  const quietLog = await startWorker({ port: PORTS.apiQuietLog, vars: { ...shared, REQUEST_LOG: 'failures' } })
  workers.push(quietLog)

  const reader = await newUser('reader')
  const setupUsers: EmulatorUser[] = []
  for (let i = 0; i < SETUP_USERS; i++) setupUsers.push(await newUser(`setup${i}`))
  const toggler = await newUser('toggler')
  await register(stack.api.url, toggler)

  const bearer = (user: EmulatorUser) => ({ Authorization: `Bearer ${user.id_token}` })
  const scenarios: Scenario[] = [
    { name: 'floor worker', url: floor.url, requests: [{ method: 'GET', path: `/?user=${reader.id}` }] },
    {
      name: 'GET /mfa_status, cache on',
      url: stack.api.url,
      requests: [{ method: 'GET', path: '/mfa_status', headers: bearer(reader) }],
    },
    {
      name: 'GET /mfa_status, cache on, REQUEST_LOG=failures',
      url: quietLog.url,
      requests: [{ method: 'GET', path: '/mfa_status', headers: bearer(reader) }],
    },
    {
      name: 'GET /mfa_status, cache off',
      url: cacheOff.url,
      requests: [{ method: 'GET', path: '/mfa_status', headers: bearer(reader) }],
    },
    {
      name: 'GET /mfa_setup',
      url: stack.api.url,
      requests: [{ method: 'GET', path: '/mfa_setup' }],
      headerPool: setupUsers.map((user) => ({ ...bearer(user), 'X-Access-Token': user.access_token })),
    },
    {
      name: 'POST /mfa_enable + /mfa_disable',
      url: stack.api.url,
      requests: ['/mfa_enable', '/mfa_disable'].map((path) => ({
        method: 'POST' as const,
        path,
        headers: { ...bearer(toggler), 'Content-Type': 'application/json' },
        body: '{}',
      })),
    },
  ]

  const regimes = [
    { name: `latency-bound (${LATENCY_MS} ms/call)`, latencyMs: LATENCY_MS, connections: 8 },
    { name: 'CPU-bound (0 ms/call)', latencyMs: 0, connections: 20 },
  ]
  const rows: Row[] = []
  for (const regime of regimes) {
    await emulator('/faults', json({ latencyMs: regime.latencyMs }))
    for (const scenario of scenarios) rows.push(await measure(regime.name, regime.connections, scenario))
  }

  // What one request with a SaaSus call costs here beyond the network, for the model's predictions:
  // the floor worker's sequential p50 with SaaSus answering at once.
  await emulator('/faults', json({ latencyMs: 0 }))
  const floorSpec = { url: floor.url, connections: 1, requests: scenarios[0]?.requests ?? [] }
  await load({ ...floorSpec, amount: 20 }, 30_000)
  const overheadMs = Math.round((await load({ ...floorSpec, amount: 50 }, 30_000)).p50)
  const model = await modelRows(reader, overheadMs)

  const finished = new Date()
  const report = [
    '# Benchmark: the API against the floor',
    '',
    `Produced by \`npm run bench\` (bench/run.ts) on ${finished.toISOString()} in ${Math.round((finished.getTime() - started.getTime()) / 1000)} s:`,
    `${cpus().length} CPU(s) (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, every worker under \`wrangler dev\` (workerd) on 127.0.0.1,`,
    `load from autocannon in a separate process (bench/load.ts). Each measured run follows a 2 s warm-up and is sized`,
    `to last about ${SECONDS} s at the warm-up's rate (${MIN_REQUESTS}–${MAX_REQUESTS} requests). SaaSus calls are counted by the emulator.`,
    'Figures are from one run on a shared machine: read the ratios, not the absolutes.',
    '',
    table(rows),
    '',
    '## Latency model rows, reproduced',
    '',
    'A delaying TCP proxy adds the client-to-Worker round trip; the emulator adds the Worker-to-SaaSus one per call.',
    `Predicted = client RTT + calls × SaaSus RTT + the local stack's own cost of a request that calls SaaSus (${overheadMs} ms: the floor worker's sequential p50 with SaaSus answering at once). One connection, 15 requests each.`,
    '',
    '| row | step | predicted ms | measured p50 ms |',
    '| --- | --- | --: | --: |',
    ...model.map((m) => `| ${m.row} | ${m.step} | ${m.predictedMs} | ${m.p50} |`),
    '',
  ].join('\n')
  writeFileSync(OUT, report)
  console.log(`\n${report}`)
  log(`written to ${OUT}`)
} finally {
  await emulator('/faults', { method: 'DELETE' }).catch(() => undefined)
  await stopAll()
}
