/**
 * `npm run bench:profile`: where a cached `GET /mfa_status` spends its CPU, in the
 * runtime production uses (plain workerd serving the deployable bundle, no
 * wrangler dev), and how many requests/s it serves CPU-bound next to the floor.
 *
 * 1. Bundles the API as `wrangler deploy --dry-run` does, the floor worker
 *    (bench/floor/) and the instant SaaSus stub (bench/cpu/instant-saasus.ts),
 *    and serves them from one workerd on 127.0.0.1:8890–8893. Every outbound
 *    fetch of the API and the floor goes to the stub: nothing leaves the machine.
 * 2. Profiles PROFILE_REQUESTS requests to the floor, then as many cached status
 *    reads, through workerd's inspector (Chrome DevTools Protocol,
 *    `Profiler.start/stop`) and prints the self time of each grouped by piece
 *    (routing, CORS, headers, token hash, …), and the API's top functions.
 * 3. Drives LOAD_ROUNDS bounded CPU-bound runs (autocannon, 20 connections,
 *    LOAD_SECONDS each) against the floor, the API and the API with
 *    REQUEST_LOG=failures, in turn, and prints requests/s and workerd's CPU time
 *    per request (from /proc), each as a ratio to the floor's.
 *
 * BASELINE=<another checkout> adds its API to the throughput runs, served by the
 * same workerd: a before-and-after that the machine's other load hits alike.
 * PROFILE_OUT=/some/prefix also keeps the raw profiles (and the bundles they point into).
 * A benchmark, not a test: it asserts nothing. The log lines go to /dev/null.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import autocannon from 'autocannon'
import { buildSync } from 'esbuild'
import { assertPortFree, dryRunBundle } from '../scripts/stack.ts'
import { DEV_MFA_ENCRYPTION_KEY, EMULATOR_CREDENTIALS, ROOT } from '../scripts/wrangler-local.ts'
import { cpuSeconds } from './runtime.ts'

const PORTS = { api: 8890, apiQuietLog: 8891, floor: 8892, inspector: 8893, baseline: 8894 } as const
const PROFILE_REQUESTS = Number(process.env.PROFILE_REQUESTS ?? 3_000)
const LOAD_SECONDS = Number(process.env.LOAD_SECONDS ?? 1)
/** A bound on any one load run, far above what two cores serve in LOAD_SECONDS. */
const MAX_LOAD_REQUESTS = 100_000
const LOAD_ROUNDS = Number(process.env.LOAD_ROUNDS ?? 9)
/** Another checkout of this repository (say, the main branch's) whose API is measured beside this one's. */
const BASELINE = process.env.BASELINE
/** Nothing here may take longer than this, whatever the machine is doing. */
const DEADLINE_MS = 10 * 60 * 1000
/** V8's sampling interval: fine enough for a request of a few hundred µs. */
const SAMPLING_INTERVAL_US = 50
const ORIGIN = 'https://spa.example.com'
const SAAS_URL = 'https://api.saasus.io'
// A JWT whose exp is in 2100: its user stays in the cache for the whole run.
const ID_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSIsImV4cCI6NDEwMjQ0NDgwMH0.c2lnbmF0dXJl'
const STATUS_HEADERS = { Authorization: `Bearer ${ID_TOKEN}`, Origin: ORIGIN }

const log = (line: string) => console.log(`[profile] ${line}`)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// --- building and serving -------------------------------------------------------------------------

/**
 * The deployable bundle of the API at `root`, as `wrangler deploy` would upload it: the core's
 * (wrangler.core.toml), or a checkout's one Worker from before the split.
 */
async function bundleApi(root: string, outdir: string): Promise<void> {
  const split = existsSync(join(root, 'wrangler.core.toml'))
  await dryRunBundle({ outdir, cwd: root, ...(split ? { config: 'wrangler.core.toml' } : {}) })
}

async function build(dir: string): Promise<void> {
  await bundleApi(ROOT, join(dir, 'api'))
  if (BASELINE) await bundleApi(BASELINE, join(dir, 'baseline'))
  for (const [entry, out] of [
    ['bench/floor/index.ts', 'floor.js'],
    ['bench/cpu/instant-saasus.ts', 'saasus.js'],
  ] as const) {
    buildSync({
      entryPoints: [join(ROOT, entry)],
      outfile: join(dir, out),
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      logLevel: 'error',
    })
  }
}

const text = (vars: Record<string, string>) =>
  Object.entries(vars)
    .map(([name, value]) => `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(value)})`)
    .join(', ')

function worker(name: string, file: string, vars: Record<string, string>, outbound?: string): string {
  return `(name = "${name}", worker = (modules = [(name = "${file}", esModule = embed "${file}")],
    compatibilityDate = "2026-11-01", bindings = [${text(vars)}]${outbound ? `, globalOutbound = "${outbound}"` : ''}))`
}

function writeConfig(dir: string): string {
  const saasus = { ...EMULATOR_CREDENTIALS, SAASUS_API_URL_BASE: SAAS_URL }
  const api = { ...saasus, ALLOWED_ORIGINS: ORIGIN, MFA_ENCRYPTION_KEY: DEV_MFA_ENCRYPTION_KEY }
  const config = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    ${worker('api', 'api/index.js', { ...api, REQUEST_LOG: 'all' }, 'saasus')},
    ${worker('api-quiet-log', 'api/index.js', { ...api, REQUEST_LOG: 'failures' }, 'saasus')},
    ${worker('floor', 'floor.js', saasus, 'saasus')},${
      BASELINE ? `\n    ${worker('baseline', 'baseline/index.js', { ...api, REQUEST_LOG: 'all' }, 'saasus')},` : ''
    }
    ${worker('saasus', 'saasus.js', {})},
  ],
  sockets = [
    (name = "api", address = "127.0.0.1:${PORTS.api}", http = (), service = "api"),
    (name = "api-quiet-log", address = "127.0.0.1:${PORTS.apiQuietLog}", http = (), service = "api-quiet-log"),
    (name = "floor", address = "127.0.0.1:${PORTS.floor}", http = (), service = "floor"),${
      BASELINE
        ? `\n    (name = "baseline", address = "127.0.0.1:${PORTS.baseline}", http = (), service = "baseline"),`
        : ''
    }
  ],
);
`
  const file = join(dir, 'config.capnp')
  writeFileSync(file, config)
  return file
}

/** workerd serving the config; with `inspector`, also the DevTools protocol (which slows every request). */
function serve(config: string, inspector: boolean): ChildProcess {
  const bin = join(ROOT, 'node_modules', 'workerd', 'bin', 'workerd')
  const args = ['serve', config, '--experimental']
  if (inspector) args.push(`--inspector-addr=127.0.0.1:${PORTS.inspector}`)
  // The request log lines go to stdout: production ships them elsewhere, here they are dropped.
  const child = spawn(bin, args, { cwd: dirname(config), stdio: ['ignore', 'ignore', 'inherit'] })
  return child
}

/** Kills workerd and waits (at most 5 s) until it is gone and its ports are free. */
async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGKILL')
  await Promise.race([gone, sleep(5_000)])
}

async function waitUntilUp(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return
    } catch {
      // not listening yet
    }
    await sleep(100)
  }
  throw new Error(`${url} did not answer within 10 s`)
}

/** `count` requests, `concurrency` at a time; throws on the first that is not 200. */
async function send(url: string, count: number, concurrency = 10): Promise<void> {
  let next = 0
  const lane = async () => {
    while (next < count) {
      next++
      const response = await fetch(url, { headers: STATUS_HEADERS })
      if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`)
      await response.arrayBuffer()
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane))
}

// --- the profile ------------------------------------------------------------------------------------

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
  hitCount?: number
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples: number[]
  timeDeltas: number[]
}

/** One Chrome DevTools Protocol session over the inspector's WebSocket. */
async function inspect(url: string) {
  const socket = new WebSocket(url)
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true })
    socket.addEventListener('error', reject, { once: true })
  })
  let id = 0
  const pending = new Map<number, (message: { result?: unknown; error?: unknown }) => void>()
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: unknown }
    if (message.id !== undefined) pending.get(message.id)?.(message)
  })
  return {
    send<T>(method: string, params: object = {}): Promise<T> {
      const messageId = ++id
      socket.send(JSON.stringify({ id: messageId, method, params }))
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${method}: no answer in 30 s`)), 30_000)
        pending.set(messageId, (message) => {
          clearTimeout(timer)
          pending.delete(messageId)
          if (message.error) reject(new Error(`${method}: ${JSON.stringify(message.error)}`))
          else resolve(message.result as T)
        })
      })
    },
    close: () => socket.close(),
  }
}

/** Which piece of the request a bundled module belongs to, by its path. */
const PIECES: readonly [RegExp, string][] = [
  [/hono\/dist\/(router|hono-base|hono\.js|compose|helper\/route|utils\/url)|src\/openapi\//, 'routing'],
  [/hono\/dist\/(context|request|utils\/(body|buffer|constants|html)|http-exception)/, 'Hono context, request'],
  [/src\/middleware\/cors/, 'CORS'],
  [/src\/middleware\/response-headers|hono\/dist\/middleware\/secure-headers/, 'secure headers'],
  [/hono\/dist\/middleware\/body-limit/, 'body limit'],
  [/src\/middleware\/user(-cache)?\.ts/, 'token hash, user cache'],
  [/src\/middleware\/context|src\/config\.ts/, 'context (settings, client)'],
  [/src\/saasus\/(signature|request)\.ts/, 'signing'],
  [/src\/saasus\/types\.ts|zod\//, 'response validation'],
  [/src\/saasus\//, 'SaaSus call (fetch)'],
  [/src\/middleware\/request-log/, 'logging'],
  [/src\/routes\//, 'route handler'],
  [/src\/(errors|upstream)\.ts/, 'errors'],
  [/bench\/floor\//, 'floor handler'],
]

/** The bundle's module of each line, from the `// path` comment esbuild puts before each module. */
function moduleIndex(bundle: string): (line: number) => string {
  const starts: [number, string][] = []
  bundle.split('\n').forEach((line, index) => {
    const match = /^\/\/ (\S+\.[jt]sx?)$/.exec(line)
    if (match?.[1]) starts.push([index, match[1].replace(/^.*node_modules\//, '')])
  })
  return (line) => {
    let found = '(bundle)'
    for (const [start, path] of starts) {
      if (start > line) break
      found = path
    }
    return found
  }
}

/** Helpers used by several pieces (hex encoding): charged to their caller's piece, like native calls. */
const SHARED = /src\/tokens\.ts/

function pieceOf(module: string): string {
  return PIECES.find(([pattern]) => pattern.test(module))?.[1] ?? `other: ${module}`
}

interface Share {
  us: number
  samples: number
}

function analyse(profile: Profile, bundle: { file: string; text: string }, requests: number, top: number): void {
  const moduleAt = moduleIndex(bundle.text)
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)

  // A native frame (no URL: a runtime API such as fetch or crypto.subtle) is charged to its JS caller's piece.
  // Under the inspector each console.log costs far more than without (workerd keeps the message for DevTools).
  const where = new Map<number, { piece: string; label: string }>()
  const locate = (id: number): { piece: string; label: string } => {
    const known = where.get(id)
    if (known) return known
    const node = byId.get(id)
    if (!node) return { piece: 'runtime', label: '?' }
    const { functionName, url, lineNumber } = node.callFrame
    const name = functionName || '(anonymous)'
    let found: { piece: string; label: string }
    const module = url.endsWith(bundle.file) ? moduleAt(lineNumber) : undefined
    if (/^\((program|garbage collector|idle|root)\)$/.test(name)) found = { piece: name, label: name }
    else if (module === undefined || SHARED.test(module)) {
      const up = parent.get(id)
      const caller = up === undefined ? undefined : locate(up)
      const piece = /^(parse|stringify)$/.test(name) ? 'JSON' : (caller?.piece ?? 'runtime')
      const where = module === undefined ? `[${url || 'native'}]` : `(${module}:${lineNumber + 1})`
      found = { piece: piece === '(root)' ? 'runtime' : piece, label: `${name} ${where}` }
    } else {
      found = { piece: pieceOf(module), label: `${name} (${module}:${lineNumber + 1})` }
    }
    where.set(id, found)
    return found
  }

  // Each sample's time is the delta to the next one (how DevTools counts it).
  const pieces = new Map<string, Share>()
  const functions = new Map<string, Share & { piece: string }>()
  profile.samples.forEach((id, index) => {
    const us = profile.timeDeltas[index + 1] ?? 0
    const { piece, label } = locate(id)
    const share = pieces.get(piece) ?? { us: 0, samples: 0 }
    share.us += us
    share.samples++
    pieces.set(piece, share)
    const fn = functions.get(label) ?? { us: 0, samples: 0, piece }
    fn.us += us
    fn.samples++
    functions.set(label, fn)
  })
  pieces.delete('(idle)')
  functions.delete('(idle)')
  const busy = [...pieces.values()].reduce((sum, share) => sum + share.us, 0)
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)} %`
  const perRequest = (us: number) => `${(us / requests).toFixed(1).padStart(6)} µs/req`

  log(`busy (not idle) time: ${(busy / 1000).toFixed(0)} ms for ${requests} requests = ${perRequest(busy)}`)
  console.log('\nby piece (self time; native calls charged to their JS caller):')
  for (const [piece, share] of [...pieces].sort((a, b) => b[1].us - a[1].us)) {
    console.log(`  ${pct(share.us)}  ${perRequest(share.us)}  ${piece}`)
  }
  if (top === 0) return
  console.log('\ntop functions by self time:')
  for (const [label, fn] of [...functions].sort((a, b) => b[1].us - a[1].us).slice(0, top)) {
    console.log(`  ${pct(fn.us)}  ${perRequest(fn.us)}  ${label}  [${fn.piece}]`)
  }
}

interface Target {
  /** The workerd service, which is also the inspector's path. */
  service: string
  url: string
  /** The bundle's file name as the profile's URLs end, and its text. */
  bundle: { file: string; text: string }
  /** How many of its top functions to print. */
  top: number
}

async function profileOf(target: Target): Promise<void> {
  // Warm: the user is cached, the JIT has seen the path.
  await send(target.url, Math.min(1_000, PROFILE_REQUESTS))
  const session = await inspect(`ws://127.0.0.1:${PORTS.inspector}/${target.service}`)
  try {
    await session.send('Profiler.enable')
    await session.send('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US })
    await session.send('Profiler.start')
    await send(target.url, PROFILE_REQUESTS)
    const { profile } = await session.send<{ profile: Profile }>('Profiler.stop')
    // For Chrome DevTools (Performance → Load profile), with the bundle beside it.
    if (process.env.PROFILE_OUT) {
      writeFileSync(`${process.env.PROFILE_OUT}.${target.service}.cpuprofile`, JSON.stringify(profile))
      writeFileSync(`${process.env.PROFILE_OUT}.${target.service}.js`, target.bundle.text)
    }
    console.log(`\n${target.service}: ${target.url}`)
    analyse(profile, target.bundle, PROFILE_REQUESTS, target.top)
  } finally {
    session.close()
  }
}

// --- throughput -------------------------------------------------------------------------------------

/** One autocannon run of LOAD_SECONDS, and of MAX_LOAD_REQUESTS at most. */
async function load(port: number, path: string): Promise<{ responses: number; rps: number }> {
  // By time, not by count: with `amount` autocannon stops only at its next one-second tick.
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: 20,
    requests: [{ method: 'GET', path, headers: STATUS_HEADERS }],
    duration: LOAD_SECONDS,
    maxOverallRequests: MAX_LOAD_REQUESTS,
    timeout: 10,
  })
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`127.0.0.1:${port}${path}: ${result.non2xx} non-2xx, ${result.errors} errors`)
  }
  const responses = result['2xx']
  return { responses, rps: responses / ((result.finish.getTime() - result.start.getTime()) / 1000) }
}

interface Run {
  rps: number
  /** workerd's CPU per request, the stub's answer included (the same for every target). */
  cpuUs: number
}

async function throughput(pid: number): Promise<void> {
  const targets = [
    { name: 'floor worker', port: PORTS.floor, path: '/?user=bench-user' },
    { name: 'GET /mfa_status, cached', port: PORTS.api, path: '/mfa_status' },
    { name: 'GET /mfa_status, cached, REQUEST_LOG=failures', port: PORTS.apiQuietLog, path: '/mfa_status' },
    ...(BASELINE
      ? [{ name: `GET /mfa_status, cached, of ${BASELINE}`, port: PORTS.baseline, path: '/mfa_status' }]
      : []),
  ]
  const runs = new Map<string, Run[]>(targets.map(({ name }) => [name, []]))
  // Warm each target: compiled code, a cached user.
  for (const target of targets) await send(`http://127.0.0.1:${target.port}${target.path}`, 1_000)
  for (let round = 0; round < LOAD_ROUNDS; round++) {
    // A different order each round, so a neighbour's burst does not always land on the same target.
    for (let i = 0; i < targets.length; i++) {
      const target = targets[(i + round) % targets.length]
      if (!target) continue
      const cpuBefore = cpuSeconds(pid)
      const result = await load(target.port, target.path)
      const cpuUs = ((cpuSeconds(pid) - cpuBefore) * 1e6) / result.responses
      runs.get(target.name)?.push({ rps: result.rps, cpuUs })
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0
  const floor = runs.get('floor worker') ?? []
  const floorBestCpu = Math.min(...floor.map((run) => run.cpuUs))
  const floorBestRps = Math.max(...floor.map((run) => run.rps))
  // Per round, where the floor and the target met the same neighbours.
  const roundRatios = (values: Run[]) =>
    values.flatMap((run, round) => {
      const floorRun = floor[round]
      return floorRun ? [floorRun.cpuUs / run.cpuUs] : []
    })
  console.log(`\nCPU-bound, 20 connections, ${LOAD_SECONDS} s a run, ${LOAD_ROUNDS} rounds in turn.`)
  console.log('Other work on the machine only ever adds: the best run of each (most rps, least workerd CPU per')
  console.log("request, the stub's share included) is the estimate; floor CPU ÷ target CPU is the requests/s ratio")
  console.log('a core of its own would give. Also the median of the per-round CPU ratios, and each.')
  console.log('  best rps  ÷ floor  best CPU µs/req  floor ÷ it  median  target (floor ÷ it, each round)')
  for (const [name, values] of runs) {
    const rps = Math.max(...values.map((run) => run.rps))
    const cpu = Math.min(...values.map((run) => run.cpuUs))
    const each = roundRatios(values)
    console.log(
      [
        rps.toFixed(0).padStart(10),
        (rps / floorBestRps).toFixed(2).padStart(7),
        cpu.toFixed(0).padStart(15),
        (floorBestCpu / cpu).toFixed(2).padStart(10),
        median(each).toFixed(2).padStart(6),
        `${name} (${each.map((ratio) => ratio.toFixed(2)).join(', ')})`,
      ].join('  '),
    )
  }
}

// --- main -------------------------------------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), 'mfa-profile-'))
let workerd: ChildProcess | undefined
const stop = () => {
  workerd?.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
}
const deadline = setTimeout(() => {
  console.error(`[profile] gave up after ${DEADLINE_MS / 60_000} minutes`)
  stop()
  process.exit(1)
}, DEADLINE_MS)
process.on('SIGINT', () => {
  stop()
  process.exit(130)
})

try {
  // waitUntilUp only polls: another server on one of these ports would pass for ours.
  for (const port of Object.values(PORTS)) await assertPortFree(port)
  log('bundling (wrangler deploy --dry-run, esbuild)')
  await build(dir)
  const config = writeConfig(dir)
  workerd = serve(config, true)
  await waitUntilUp(`http://127.0.0.1:${PORTS.floor}/?user=ready`)
  log(`profiling ${PROFILE_REQUESTS} requests each (one SaaSus call each); the inspector slows every piece`)
  const bundle = (file: string) => ({ file, text: readFileSync(join(dir, file), 'utf8') })
  await profileOf({
    service: 'floor',
    url: `http://127.0.0.1:${PORTS.floor}/?user=bench-user`,
    bundle: bundle('floor.js'),
    top: 0,
  })
  await profileOf({
    service: 'api',
    url: `http://127.0.0.1:${PORTS.api}/mfa_status`,
    bundle: bundle('api/index.js'),
    top: 25,
  })
  if (BASELINE) {
    await profileOf({
      service: 'baseline',
      url: `http://127.0.0.1:${PORTS.baseline}/mfa_status`,
      bundle: bundle('baseline/index.js'),
      top: 0,
    })
  }
  await exited(workerd)
  if (LOAD_ROUNDS > 0) {
    // A fresh workerd without the inspector: an attached one costs every request.
    workerd = serve(config, false)
    await waitUntilUp(`http://127.0.0.1:${PORTS.floor}/?user=ready`)
    if (workerd.pid !== undefined) await throughput(workerd.pid)
  }
} finally {
  clearTimeout(deadline)
  stop()
}
