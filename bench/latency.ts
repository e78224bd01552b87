/**
 * Measures the latency model's steps (bench/model.ts) on the real bundles: a
 * sequential client (the demo page's order, one request at a time) reaches the
 * entry worker through a delay proxy of u (+ L when placed), the front's CORE
 * binding reaches the core through one of L, and the emulator adds p + a per
 * SaaSus call. Each step's preflight and request are timed apart.
 */
import { startDelayProxy } from './delay-proxy.ts'
import { codeFor, type Emulator, type EmulatorUser, register } from './measure.ts'
import { delays, type Hops, type Layout, predict, type Step } from './model.ts'

export const ORIGIN = 'http://localhost:3000'

export interface StepTiming {
  step: Step
  predicted: { preflightMs: number; requestMs: number }
  preflightMs: number
  requestMs: number
  calls: number
}

export interface Wiring {
  emulator: Emulator
  /** The API, undelayed: where return-visit users are enrolled. */
  apiPort: number
  /** The core alone: what the front's CORE binding reaches through the delaying proxy. */
  corePort: number
  /** Where the user's requests enter, per layout. */
  entryPort: Record<Layout, number>
  userProxyPort: number
  /** The port the front's CORE binding points at. */
  coreProxyPort: number
}

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0

function headersFor(step: Step, user: EmulatorUser): Record<string, string> {
  const headers: Record<string, string> = {
    Authorization: `Bearer ${user.id_token}`,
    'X-Requested-With': 'XMLHttpRequest',
    'X-SaaSus-Referer': `/user?action=${step.path.slice(1)}`,
    Origin: ORIGIN,
  }
  if (step.accessToken) headers['X-Access-Token'] = user.access_token
  if (step.body) headers['Content-Type'] = 'application/json'
  return headers
}

async function timed(url: string, init: RequestInit): Promise<{ ms: number; body: unknown; status: number }> {
  const started = performance.now()
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) })
  const body = await res.json().catch(() => undefined)
  return { ms: performance.now() - started, body, status: res.status }
}

/** One visit of one user, step by step. */
interface Timing {
  preflightMs: number
  requestMs: number
  calls: number
}

async function visit(base: string, emulator: Emulator, user: EmulatorUser, steps: Step[]): Promise<Timing[]> {
  const out: Timing[] = []
  let qrCodeUrl = ''
  for (const step of steps) {
    const headers = headersFor(step, user)
    await emulator.resetCalls()
    let preflightMs = 0
    if (step.preflight) {
      const requested = Object.keys(headers).filter((name) => name !== 'Origin')
      const pre = await timed(`${base}${step.path}`, {
        method: 'OPTIONS',
        headers: {
          Origin: ORIGIN,
          'Access-Control-Request-Method': step.method,
          'Access-Control-Request-Headers': requested.join(',').toLowerCase(),
        },
      })
      if (pre.status !== 204) throw new Error(`preflight of ${step.path}: ${pre.status}`)
      preflightMs = pre.ms
    }
    const body =
      step.body === 'code' ? JSON.stringify({ verification_code: codeFor(qrCodeUrl) }) : step.body ? '{}' : undefined
    const res = await timed(`${base}${step.path}`, { method: step.method, headers, ...(body ? { body } : {}) })
    if (res.status !== 200) throw new Error(`${step.method} ${step.path}: ${res.status} ${JSON.stringify(res.body)}`)
    if (step.path === '/mfa_setup') qrCodeUrl = (res.body as { qrCodeUrl: string }).qrCodeUrl
    out.push({ preflightMs, requestMs: res.ms, calls: await emulator.calls() })
  }
  return out
}

/** Enrols a user through the undelayed API without reading its status: its user cache entry stays cold. */
async function enrolled(w: Wiring): Promise<EmulatorUser> {
  const user = await w.emulator.newUser('returning')
  const api = `http://127.0.0.1:${w.apiPort}`
  await register(api, user)
  const enable = await fetch(`${api}/mfa_enable`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${user.id_token}`, 'Content-Type': 'application/json' },
    body: '{}',
  })
  if (!enable.ok) throw new Error(`enabling MFA for a returning user failed: ${enable.status}`)
  return user
}

/** Median timings of a first visit and a return visit over `samples` users each, for one layout and set of hops. */
export async function measureVisits(w: Wiring, layout: Layout, hops: Hops, visits: Step[][], samples: number) {
  const d = delays(layout, hops)
  // Returning users are enrolled before any delay is set, so that only the measured steps pay them.
  await w.emulator.setLatency(0)
  const returning: EmulatorUser[] = []
  for (let i = 0; i < samples; i++) returning.push(await enrolled(w))
  const userProxy = await startDelayProxy({
    port: w.userProxyPort,
    target: w.entryPort[layout],
    oneWayMs: d.userToEntry / 2,
  })
  const coreProxy = await startDelayProxy({ port: w.coreProxyPort, target: w.corePort, oneWayMs: d.frontToCore / 2 })
  try {
    await w.emulator.setLatency(Math.round(d.perCall))
    // Warm the connections on every hop (and the isolates) with a user of its own.
    const warm = await w.emulator.newUser('warm')
    for (let i = 0; i < 2; i++) await visit(userProxy.url, w.emulator, warm, [visits[0]?.[0] as Step])
    const results: StepTiming[][] = []
    for (const [index, steps] of visits.entries()) {
      const runs: Timing[][] = []
      for (let i = 0; i < samples; i++) {
        // The first visit is a new user's; the others are the enrolled users'.
        const user = index === 0 ? await w.emulator.newUser('first') : (returning[i] as EmulatorUser)
        runs.push(await visit(userProxy.url, w.emulator, user, steps))
      }
      results.push(
        steps.map((step, s) => ({
          step,
          predicted: predict(layout, hops, step),
          preflightMs: median(runs.map((run) => run[s]?.preflightMs ?? 0)),
          requestMs: median(runs.map((run) => run[s]?.requestMs ?? 0)),
          calls: median(runs.map((run) => run[s]?.calls ?? 0)),
        })),
      )
    }
    return results
  } finally {
    await Promise.all([userProxy.close(), coreProxy.close()])
    await w.emulator.setLatency(0)
  }
}
