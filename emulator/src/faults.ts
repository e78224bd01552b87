/**
 * Fault injection for tests, the benchmark and the load script: added latency,
 * latency spikes, a share of 5xx answers, dropped connections, malformed JSON and
 * stalled bodies. Set with `PUT /_emulator/faults` (or EMULATOR_LATENCY_MS at
 * start); applies to every `/v1/auth/...` call until changed.
 *
 * Faults set with a `traceId` apply only to calls carrying that
 * `X-SaaSus-Trace-Id` (which the API forwards), so tests running side by side
 * can each break their own calls without touching the others'.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { z } from 'zod'
import { type Dialect, dialectSchema, everyCallAnswer } from './dialects'
import type { EmulatorEnv } from './env'

const share = z.number().min(0).max(1).default(0)

export const faultsSchema = z.object({
  /** Added to every call, in ms. */
  latencyMs: z.number().int().min(0).max(60_000).default(0),
  /** Share of calls that get `spikeMs` more. */
  spikeRate: share,
  spikeMs: z.number().int().min(0).max(60_000).default(0),
  /** Share answered `500 {type: "internal_server_error"}` or 503 (half each). */
  serverErrorRate: share,
  /** Share whose connection breaks before the body is complete. */
  dropRate: share,
  /** Share answered 200 with a body that is not JSON. */
  malformedRate: share,
  /** Share whose headers arrive but whose body never finishes. */
  stallRate: share,
  /**
   * The next this-many calls are answered `503`, whatever the rates: a
   * deterministic fault, e.g. to fail a first attempt only. Counts down.
   */
  failNext: z.number().int().min(0).max(1_000).default(0),
  /** Only calls of these HTTP methods get any of the faults above, e.g. `["PATCH"]` for writes of the preference. */
  methods: z.array(z.enum(['GET', 'POST', 'PUT', 'PATCH'])).optional(),
  /** The words refusals are answered in (dialects.ts): a dialect's name or a table of answers. */
  dialect: dialectSchema.optional(),
})

export type Faults = z.infer<typeof faultsSchema>
/** Faults as `PUT /_emulator/faults` takes them: every field optional. */
export type FaultsInput = z.input<typeof faultsSchema>

export const NO_FAULTS: Faults = faultsSchema.parse({})
let everyCall: Faults = NO_FAULTS
const byTraceId = new Map<string, Faults>()

export function getFaults(traceId?: string): Faults {
  return (traceId && byTraceId.get(traceId)) || everyCall
}

export function setFaults(faults: Faults, traceId?: string): void {
  if (traceId) byTraceId.set(traceId, faults)
  else everyCall = faults
}

/**
 * The dialect of a call: its trace's, else the one set for every call, else
 * EMULATOR_DIALECT, else the emulator's own.
 */
export function dialectOf(c: Context<EmulatorEnv>): Dialect {
  const traceId = c.req.header('X-SaaSus-Trace-Id')
  const traced = traceId ? byTraceId.get(traceId)?.dialect : undefined
  const named = c.env.EMULATOR_DIALECT ? dialectSchema.safeParse(c.env.EMULATOR_DIALECT) : undefined
  return traced ?? everyCall.dialect ?? (named?.success ? named.data : 'emulator')
}

export function clearFaults(): void {
  everyCall = NO_FAULTS
  byTraceId.clear()
}

const STALL_MS = 2 * 60 * 1000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const roll = (rate: number) => rate > 0 && Math.random() < rate

/**
 * A 200 whose body breaks off: the caller's read of it fails, as when the
 * connection drops mid-answer. The break is made on the caller's side, not
 * here: workerd reports every response body that errors while it is sent as an
 * uncaught exception, so the body is sent whole, and it is half a gzip stream,
 * which the caller's fetch fails to inflate.
 */
async function droppedConnection(): Promise<Response> {
  const gzip = new Blob(['{"enabled": true}']).stream().pipeThrough(new CompressionStream('gzip'))
  const whole = new Uint8Array(await new Response(gzip).arrayBuffer())
  return new Response(whole.slice(0, Math.floor(whole.length / 2)), {
    status: 200,
    // Sent as they are: the caller's fetch, not the runtime here, decodes them.
    encodeBody: 'manual',
    headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
  })
}

export const injectFaults = (): MiddlewareHandler<EmulatorEnv> =>
  async function injectFaultsHandler(c, next) {
    const faults = getFaults(c.req.header('X-SaaSus-Trace-Id'))
    const methods: readonly string[] | undefined = faults.methods
    if (methods && !methods.includes(c.req.method)) return next()
    // Read the request body first (Hono caches it for the signature check), so an
    // answer sent early never leaves the caller's upload half-read.
    if (c.req.method !== 'GET') await c.req.text()
    if (faults.failNext > 0) {
      faults.failNext -= 1
      return c.text('Service Unavailable', 503)
    }
    const baseLatency = faults === NO_FAULTS ? Number(c.env.EMULATOR_LATENCY_MS ?? 0) || 0 : faults.latencyMs
    const delay = baseLatency + (roll(faults.spikeRate) ? faults.spikeMs : 0)
    if (delay > 0) await sleep(delay)

    if (roll(faults.serverErrorRate)) {
      return Math.random() < 0.5
        ? c.json({ type: 'internal_server_error', message: 'Injected fault' }, 500)
        : c.text('Service Unavailable', 503)
    }
    if (roll(faults.dropRate)) return droppedConnection()
    if (roll(faults.malformedRate)) return c.body('{"enabled": tru', 200, { 'Content-Type': 'application/json' })
    if (roll(faults.stallRate)) {
      // Sends the start of a body, then nothing for two minutes: the caller's own
      // timeout must end the wait. (A timer, not an idle stream: workerd cancels a
      // request that waits on nothing at all as hung.)
      const stalled = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"enabled":'))
        },
        pull: async () => {
          await sleep(STALL_MS)
        },
      })
      return new Response(stalled, { status: 200, headers: { 'Content-Type': 'application/json' } })
    }
    await next()
  }

/** In a dialect of refused credentials (dialects.ts), every call gets that refusal. */
export const refuseEveryCall = (): MiddlewareHandler<EmulatorEnv> =>
  async function refuseEveryCallHandler(c, next) {
    const answer = everyCallAnswer(dialectOf(c))
    if (answer) return c.json(answer.body, answer.status as 401)
    await next()
  }
