/**
 * `npm run bench:profile`: where a cached `GET /mfa_status` spends its CPU, in the runtime
 * production uses (plain `workerd serve` running the deployable bundles, no wrangler dev), piece by
 * piece, for each Worker on the way, and what each layout serves CPU-bound next to its floor.
 *
 * 1. Bundles the front and the core as `wrangler deploy --dry-run` does (minified as deployed, and
 *    unminified for the profile, whose module comments say which file a line is from), the floor
 *    worker (one signed SaaSus call), the bare forwarder (bench/floor/forwarder.ts) and the instant
 *    SaaSus stub (bench/cpu/instant-saasus.ts), and serves them from one workerd on
 *    127.0.0.1:8890–8895. Every outbound fetch goes to the stub: nothing leaves the machine.
 * 2. Profiles PROFILE_REQUESTS requests through each path with workerd's inspector (Chrome DevTools
 *    Protocol, `Profiler.start/stop`, one isolate at a time): the floor, the two-hop floor (the
 *    forwarder's isolate), the core alone and the front in front of the core (the front's isolate),
 *    and prints the self time of each isolate grouped by piece (routing, CORS, the log line, …) and
 *    its top functions.
 * 3. Drives LOAD_ROUNDS bounded CPU-bound runs (autocannon, 20 connections, LOAD_SECONDS each)
 *    against the four paths in turn, in a workerd without the inspector, and prints requests/s and
 *    workerd's CPU per request (its /proc counters read around each run), each round paired: the
 *    core against the floor, front + core against the two-hop floor, and the front's own CPU
 *    (front + core minus the core alone, in the same round).
 *
 * LOAD_ONLY=<words> runs only the targets whose name has them (`alone`: the front and the forwarder).
 * BASELINE=<another checkout> adds its front + core to the throughput runs, served by the same
 * workerd: a before-and-after that the machine's other load hits alike.
 * PROFILE_OUT=/some/prefix also keeps the raw profiles (and the bundles they point into).
 * A benchmark, not a test: it asserts nothing. The log lines go to /dev/null.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import autocannon from 'autocannon'
import { buildSync } from 'esbuild'
import { assertPortFree, dryRunBundle } from '../scripts/stack.ts'
import { DEV_MFA_ENCRYPTION_KEY, EMULATOR_CREDENTIALS, ROOT } from '../scripts/wrangler-local.ts'
import { spread } from './paired.ts'
import { cpuSeconds } from './runtime.ts'

const PORTS = {
  floor: 8890,
  twoHop: 8891,
  core: 8892,
  front: 8893,
  inspector: 8894,
  frontAlone: 8895,
  forwarderAlone: 8896,
  frontAloneQuiet: 8897,
  baseline: 8898,
  baselineAlone: 8899,
} as const
const PROFILE_REQUESTS = Number(process.env.PROFILE_REQUESTS ?? 3_000)
const LOAD_SECONDS = Number(process.env.LOAD_SECONDS ?? 2)
/** A bound on any one load run, far above what two cores serve in LOAD_SECONDS. */
const MAX_LOAD_REQUESTS = 100_000
const LOAD_ROUNDS = Number(process.env.LOAD_ROUNDS ?? 9)
/** Connections in all, shared among the targets loaded at once. */
const CONNECTIONS = 20
/** Only the load targets whose name has this in it (say, `alone`: the front against the forwarder). */
const LOAD_ONLY = process.env.LOAD_ONLY
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

/** The two bundle sets: as deployed (the load runs), and unminified (the profile's attribution). */
type Variant = 'deployed' | 'profiled'

/** The front and the core of the checkout at `root`, as `wrangler deploy` would upload them. */
async function bundleApi(root: string, outdir: string, minify: boolean): Promise<void> {
  if (!existsSync(join(root, 'wrangler.core.toml'))) throw new Error(`${root}: not a front + core checkout`)
  await Promise.all([
    dryRunBundle({ outdir: join(outdir, 'front'), cwd: root, config: 'wrangler.toml', minify }),
    dryRunBundle({ outdir: join(outdir, 'core'), cwd: root, config: 'wrangler.core.toml', minify }),
  ])
}

/**
 * What the front and the forwarder are bound to when each is measured alone: the core's answer to a
 * status read, given at once, so that nearly all of a request's CPU is the Worker in front of it.
 */
const INSTANT_CORE = `export default {
  fetch: () => new Response('{"enabled":false}', { headers: { 'Content-Type': 'application/json', 'X-Request-Id': crypto.randomUUID() } }),
}
`

async function build(dir: string): Promise<void> {
  writeFileSync(join(dir, 'instant-core.js'), INSTANT_CORE)
  await bundleApi(ROOT, join(dir, 'deployed'), true)
  await bundleApi(ROOT, join(dir, 'profiled'), false)
  if (BASELINE) await bundleApi(BASELINE, join(dir, 'baseline'), true)
  for (const [entry, out] of [
    ['bench/floor/index.ts', 'floor.js'],
    ['bench/floor/forwarder.ts', 'forwarder.js'],
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

/** A worker's bindings: text for a string, a service binding for `{ service }`. */
type Binding = string | { service: string }

const bindingsOf = (bindings: Record<string, Binding>) =>
  Object.entries(bindings)
    .map(([name, value]) =>
      typeof value === 'string'
        ? `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(value)})`
        : `(name = ${JSON.stringify(name)}, service = ${JSON.stringify(value.service)})`,
    )
    .join(', ')

function worker(name: string, file: string, bindings: Record<string, Binding>, outbound?: string): string {
  return `(name = "${name}", worker = (modules = [(name = "${file}", esModule = embed "${file}")],
    compatibilityDate = "2026-11-01", bindings = [${bindingsOf(bindings)}]${outbound ? `, globalOutbound = "${outbound}"` : ''}))`
}

const FRONT_VARS = { ALLOWED_ORIGINS: ORIGIN, REQUEST_LOG: 'all' }

/** The services (and sockets) of one front + core: the front's CORE binding names its core. */
function api(prefix: string, bundles: string): { services: string[]; front: string } {
  const core = {
    ...EMULATOR_CREDENTIALS,
    SAASUS_API_URL_BASE: SAAS_URL,
    MFA_ENCRYPTION_KEY: DEV_MFA_ENCRYPTION_KEY,
    REQUEST_LOG: 'all',
  }
  const front = { ...FRONT_VARS, CORE: { service: `${prefix}core` } }
  return {
    services: [
      worker(`${prefix}core`, `${bundles}/core/index.js`, core, 'saasus'),
      worker(`${prefix}front`, `${bundles}/front/index.js`, front),
    ],
    front: `${prefix}front`,
  }
}

function writeConfig(dir: string, variant: Variant, only?: number): string {
  const saasus = { ...EMULATOR_CREDENTIALS, SAASUS_API_URL_BASE: SAAS_URL }
  const ours = api('', variant)
  const baseline = BASELINE ? api('baseline-', 'baseline') : undefined
  const socket = (name: string, port: number, service: string) =>
    `(name = "${name}", address = "127.0.0.1:${port}", http = (), service = "${service}")`
  const sockets = [
    socket('floor', PORTS.floor, 'floor'),
    socket('two-hop', PORTS.twoHop, 'forwarder'),
    socket('core', PORTS.core, 'core'),
    socket('front', PORTS.front, ours.front),
    socket('front-alone', PORTS.frontAlone, 'front-alone'),
    socket('forwarder-alone', PORTS.forwarderAlone, 'forwarder-alone'),
    socket('front-alone-quiet', PORTS.frontAloneQuiet, 'front-alone-quiet'),
    ...(baseline
      ? [
          socket('baseline', PORTS.baseline, baseline.front),
          socket('baseline-alone', PORTS.baselineAlone, 'baseline-front-alone'),
        ]
      : []),
    // One workerd per target for the load runs (`only`: its port), one with every socket for the profile.
  ].filter((line) => only === undefined || line.includes(`127.0.0.1:${only}"`))
  const config = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    ${[
      worker('floor', 'floor.js', saasus, 'saasus'),
      worker('forwarder', 'forwarder.js', { TARGET: { service: 'floor' } }),
      worker('instant-core', 'instant-core.js', {}),
      worker('forwarder-alone', 'forwarder.js', { TARGET: { service: 'instant-core' } }),
      worker('front-alone', `${variant}/front/index.js`, { ...FRONT_VARS, CORE: { service: 'instant-core' } }),
      worker('front-alone-quiet', `${variant}/front/index.js`, {
        ...FRONT_VARS,
        REQUEST_LOG: 'failures',
        CORE: { service: 'instant-core' },
      }),
      ...ours.services,
      ...(baseline?.services ?? []),
      ...(baseline
        ? [
            worker('baseline-front-alone', 'baseline/front/index.js', {
              ...FRONT_VARS,
              CORE: { service: 'instant-core' },
            }),
          ]
        : []),
      worker('saasus', 'saasus.js', {}),
    ].join(',\n    ')}
  ],
  sockets = [
    ${sockets.join(',\n    ')}
  ],
);
`
  const file = join(dir, `${variant}${only === undefined ? '' : `-${only}`}.capnp`)
  writeFileSync(file, config)
  return file
}

/**
 * With two CPUs or more (and Linux's taskset), workerd runs on the last and this process, the load
 * generator, on the first: neither takes the other's time, and a run's requests/s follows workerd's
 * CPU per request instead of how the scheduler shared the cores.
 */
const PINNED = availableParallelism() >= 2 && existsSync('/usr/bin/taskset')
const WORKERD_CPU = availableParallelism() - 1

/** workerd serving the config; with `inspector`, also the DevTools protocol (which slows every request). */
function serve(config: string, inspector: boolean): ChildProcess {
  const bin = join(ROOT, 'node_modules', 'workerd', 'bin', 'workerd')
  const args = ['serve', config, '--experimental']
  if (inspector) args.push(`--inspector-addr=127.0.0.1:${PORTS.inspector}`)
  const [command, commandArgs] = PINNED ? ['taskset', ['-c', String(WORKERD_CPU), bin, ...args]] : [bin, args]
  // The request log lines go to stdout: production ships them elsewhere, here they are dropped.
  // taskset execs workerd: the child's pid is workerd's.
  return spawn(command, commandArgs, { cwd: dirname(config), stdio: ['ignore', 'ignore', 'inherit'] })
}

/** Kills workerd and waits (at most 5 s) until it is gone and its ports are free. */
async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGKILL')
  await Promise.race([gone, sleep(5_000)])
}

async function waitUntilUp(url: string, headers: Record<string, string> = {}): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url, { headers })).ok) return
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

/** Which piece of the request a bundled module belongs to, by its path; the first that matches. */
const PIECES: readonly [RegExp, string][] = [
  [/hono\/dist\/(router|hono-base|hono\.js|compose|helper\/route|utils\/url)|src\/core\/openapi\//, 'routing'],
  [/hono\/dist\/(context|request|utils\/(body|buffer|constants|html)|http-exception)/, 'Hono context, request'],
  [/src\/front\/cors/, 'CORS'],
  [/src\/front\/response-headers|hono\/dist\/middleware\/secure-headers/, 'secure headers'],
  [/src\/front\/body|src\/shared\/request-limits|hono\/dist\/middleware\/body-limit/, 'body bound'],
  [/src\/front\/request-shape|src\/shared\/(guards|routes)|src\/core\/middleware\/allowed-method/, 'request checks'],
  [/src\/front\/forward/, 'forward to the core'],
  [/src\/front\/settings|src\/shared\/config-error/, 'settings'],
  [/src\/core\/middleware\/user(-cache)?\.ts/, 'token hash, user cache'],
  [/src\/core\/middleware\/context|src\/core\/config\.ts/, 'context (settings, client)'],
  [/src\/core\/saasus\/(signature|request)\.ts/, 'signing'],
  [/src\/core\/saasus\/(types|answers?)\.ts|zod\//, 'response validation'],
  [/src\/core\/saasus\/|src\/core\/upstream\.ts/, 'SaaSus call (fetch, timeout)'],
  [/src\/(front|core\/middleware)\/request-log|src\/shared\/log/, 'request id, log line'],
  [/src\/core\/routes\//, 'route handler'],
  [/src\/shared\/(errors|answer)\.ts/, 'errors'],
  [/bench\/floor\/forwarder/, 'forwarder'],
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
const SHARED = /src\/shared\/tokens\.ts/

/**
 * The front's forward path is one module of several pieces: its functions say which (an inlined
 * function's time is its caller's).
 */
const FORWARD_PATH: Record<string, string> = {
  callCore: 'the hop: the request with its id, to the core',
  send: 'the hop: the request with its id, to the core',
  answer: "the answer: the core's headers copied, a new Response",
  passes: 'request checks',
}

function pieceOf(module: string, functionName: string): string {
  if (/src\/front\/forward\.ts/.test(module)) {
    return FORWARD_PATH[functionName] ?? 'the path: settings, origin, route'
  }
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
      found = { piece: pieceOf(module, name), label: `${name} (${module}:${lineNumber + 1})` }
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
  /** The workerd service profiled, which is also the inspector's path. */
  service: string
  /** Where the requests are sent (the path through it). */
  url: string
  /** The bundle's file name as the profile's URLs end, and its text. */
  bundle: { file: string; text: string }
  /** How many of its top functions to print. */
  top: number
  title: string
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
    console.log(`\n${target.title}: the ${target.service} isolate, requests sent to ${target.url}`)
    analyse(profile, target.bundle, PROFILE_REQUESTS, target.top)
  } finally {
    session.close()
  }
}

// --- throughput -------------------------------------------------------------------------------------

/** One autocannon run of LOAD_SECONDS, and of MAX_LOAD_REQUESTS at most. */
async function load(port: number, path: string, connections: number): Promise<{ responses: number; rps: number }> {
  // By time, not by count: with `amount` autocannon stops only at its next one-second tick.
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
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
  /** Its workerd's CPU per request, the stub's answer included (the same for every target). */
  cpuUs: number
}

const FLOOR = 'floor worker'
const TWO_HOP = 'two-hop floor (bare forwarder → floor)'
const CORE = 'GET /mfa_status, cached: the core alone'
const FRONT = 'GET /mfa_status, cached: front + core'
const FORWARDER_ALONE = 'the bare forwarder alone (→ an instant answer)'
const FRONT_ALONE = 'the front alone (→ the same instant answer)'
const FRONT_ALONE_QUIET = 'the front alone, REQUEST_LOG=failures (→ the instant answer)'
const BASELINE_FRONT = `GET /mfa_status, cached: front + core of ${BASELINE}`
const BASELINE_ALONE = `the front of ${BASELINE} alone (→ the instant answer)`

interface LoadTarget {
  name: string
  port: number
  path: string
}

const LOAD_TARGETS: LoadTarget[] = [
  { name: FLOOR, port: PORTS.floor, path: '/?user=bench-user' },
  { name: TWO_HOP, port: PORTS.twoHop, path: '/?user=bench-user' },
  { name: CORE, port: PORTS.core, path: '/mfa_status' },
  { name: FRONT, port: PORTS.front, path: '/mfa_status' },
  { name: FORWARDER_ALONE, port: PORTS.forwarderAlone, path: '/mfa_status' },
  { name: FRONT_ALONE, port: PORTS.frontAlone, path: '/mfa_status' },
  { name: FRONT_ALONE_QUIET, port: PORTS.frontAloneQuiet, path: '/mfa_status' },
  ...(BASELINE
    ? [
        { name: BASELINE_FRONT, port: PORTS.baseline, path: '/mfa_status' },
        { name: BASELINE_ALONE, port: PORTS.baselineAlone, path: '/mfa_status' },
      ]
    : []),
].filter(({ name }) => !LOAD_ONLY || name.includes(LOAD_ONLY))

/**
 * The load runs. Each target is a workerd of its own (its pid in `pids`), all on one CPU, loaded at
 * the same time: the machine's other work, which on a shared machine changes from one second to the
 * next, then lands on every target alike, and each one's CPU per request is read from its own
 * process. Sharing the CPU fairly, each serves requests in inverse proportion to its CPU per request.
 */
async function throughput(pids: Map<string, number>): Promise<void> {
  const targets = LOAD_TARGETS
  const runs = new Map<string, Run[]>(targets.map(({ name }) => [name, []]))
  // Warm each target: compiled code, a cached user.
  for (const target of targets) await send(`http://127.0.0.1:${target.port}${target.path}`, 1_000)
  const connections = Math.max(2, Math.round(CONNECTIONS / targets.length))
  const cpuOf = (target: LoadTarget) => cpuSeconds(pids.get(target.name) ?? 0)
  for (let round = 0; round < LOAD_ROUNDS; round++) {
    const before = targets.map(cpuOf)
    const results = await Promise.all(targets.map((target) => load(target.port, target.path, connections)))
    targets.forEach((target, index) => {
      const result = results[index]
      if (!result) return
      const cpuUs = ((cpuOf(target) - (before[index] ?? 0)) * 1e6) / result.responses
      runs.get(target.name)?.push({ rps: result.rps, cpuUs })
    })
  }
  const of = (name: string) => runs.get(name) ?? []
  /** Per round, where the two met the same neighbours: `reference ÷ target` of CPU, `target ÷ reference` of rps. */
  const paired = (name: string, reference: string) =>
    of(name).map((run, round) => {
      const base = of(reference)[round] ?? run
      return { rps: run.rps / base.rps, cpu: base.cpuUs / run.cpuUs, extraUs: run.cpuUs - base.cpuUs }
    })
  console.log(
    `\nCPU-bound: ${targets.length} workerd processes on one CPU, loaded at once (${connections} connections each) for ${LOAD_SECONDS} s, ${LOAD_ROUNDS} rounds; median (range) over the rounds.`,
  )
  console.log("CPU µs/req is each process's user + system time over the round ÷ its responses (the stub's share")
  console.log("included, the same for all). Each ratio is taken within a round: the reference's CPU ÷ the target's is")
  console.log("the requests/s ratio of the two on a CPU each; rps here is each one's share of the CPU they split.")
  console.log(
    `${'target'.padEnd(52)}  ${'rps'.padEnd(16)}  ${'CPU µs/req'.padEnd(16)}  reference: CPU ratio, µs above it`,
  )
  const references: Record<string, string> = {
    [TWO_HOP]: FLOOR,
    [CORE]: FLOOR,
    [FRONT]: TWO_HOP,
    [FRONT_ALONE]: FORWARDER_ALONE,
    [FRONT_ALONE_QUIET]: FORWARDER_ALONE,
    [BASELINE_FRONT]: TWO_HOP,
    [BASELINE_ALONE]: FORWARDER_ALONE,
  }
  for (const [name, values] of runs) {
    const reference = references[name]
    const pairs = reference ? paired(name, reference) : []
    console.log(
      [
        name.padEnd(52),
        spread(
          values.map((run) => run.rps),
          0,
        ).padEnd(16),
        spread(
          values.map((run) => run.cpuUs),
          0,
        ).padEnd(16),
        reference
          ? `${reference === FLOOR ? 'floor' : reference === TWO_HOP ? 'two-hop floor' : 'forwarder'}: ${spread(
              pairs.map((p) => p.cpu),
              2,
            )}, ${spread(
              pairs.map((p) => p.extraUs),
              0,
            )}`
          : '',
      ].join('  '),
    )
  }
  /** `name`'s CPU per request above `below`'s, paired by round; each line only when both ran. */
  const differences: [string, string, string][] = [
    ["the front's own CPU per request (front + core − the core alone)", FRONT, CORE],
    ["the forwarder's own CPU per request (two-hop floor − floor)", TWO_HOP, FLOOR],
    ["the front's CPU above a bare forwarder's, each alone", FRONT_ALONE, FORWARDER_ALONE],
    ["the front's log line (REQUEST_LOG=all − failures, each alone)", FRONT_ALONE, FRONT_ALONE_QUIET],
    ...(BASELINE
      ? ([
          ["the baseline's front, the same way", BASELINE_FRONT, CORE],
          ["the baseline's front above a bare forwarder's, each alone", BASELINE_ALONE, FORWARDER_ALONE],
        ] as [string, string, string][])
      : []),
  ]
  console.log('')
  for (const [label, name, below] of differences) {
    if (of(name).length === 0 || of(below).length === 0) continue
    console.log(
      `${label}: ${spread(
        paired(name, below).map((p) => p.extraUs),
        0,
      )} µs`,
    )
  }
}

// --- main -------------------------------------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), 'mfa-profile-'))
let workerd: ChildProcess | undefined
const servers: ChildProcess[] = []
const stop = () => {
  workerd?.kill('SIGKILL')
  for (const server of servers) server.kill('SIGKILL')
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
  if (PINNED) execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' })
  // waitUntilUp only polls: another server on one of these ports would pass for ours.
  for (const port of Object.values(PORTS)) await assertPortFree(port)
  log('bundling (wrangler deploy --dry-run, esbuild)')
  await build(dir)
  if (PROFILE_REQUESTS > 0) {
    workerd = serve(writeConfig(dir, 'profiled'), true)
    await waitUntilUp(`http://127.0.0.1:${PORTS.floor}/?user=ready`)
    await profiles(dir)
    await exited(workerd)
  }
  if (LOAD_ROUNDS > 0 && LOAD_TARGETS.length > 0) {
    // A workerd per target, without the inspector (an attached one costs every request), serving the deployed bundles.
    const pids = new Map<string, number>()
    for (const target of LOAD_TARGETS) {
      const child = serve(writeConfig(dir, 'deployed', target.port), false)
      servers.push(child)
      await waitUntilUp(`http://127.0.0.1:${target.port}${target.path}`, STATUS_HEADERS)
      if (child.pid !== undefined) pids.set(target.name, child.pid)
    }
    await throughput(pids)
  }
} finally {
  clearTimeout(deadline)
  stop()
}

/** Each path's profile, in the workerd with the inspector. */
async function profiles(dir: string): Promise<void> {
  log(`profiling ${PROFILE_REQUESTS} requests each (one SaaSus call each); the inspector slows every piece`)
  const bundle = (file: string) => ({ file, text: readFileSync(join(dir, file), 'utf8') })
  const floorUrl = `http://127.0.0.1:${PORTS.floor}/?user=bench-user`
  await profileOf({ title: FLOOR, service: 'floor', url: floorUrl, bundle: bundle('floor.js'), top: 0 })
  await profileOf({
    title: TWO_HOP,
    service: 'forwarder',
    url: `http://127.0.0.1:${PORTS.twoHop}/?user=bench-user`,
    bundle: bundle('forwarder.js'),
    top: 5,
  })
  const status = (port: number) => `http://127.0.0.1:${port}/mfa_status`
  await profileOf({
    title: CORE,
    service: 'core',
    url: status(PORTS.core),
    bundle: bundle('profiled/core/index.js'),
    top: 20,
  })
  await profileOf({
    title: FRONT,
    service: 'front',
    url: status(PORTS.front),
    bundle: bundle('profiled/front/index.js'),
    top: 20,
  })
}
