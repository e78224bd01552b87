/**
 * One bounded load run, in its own process so that the load generator never
 * shares a CPU with the bench's own bookkeeping (or the proxy):
 *
 *   node bench/load.ts <file holding a LoadSpec as JSON>   → prints a LoadResult as JSON
 *
 * A run stops at `amount` responses, or at `durationSeconds` when no amount is
 * given; the caller also kills it if it outlives its time limit. Its seconds (and
 * so its rate) run from the start to the last response: autocannon ends a counted
 * run only at its next one-second tick, which its own duration would include.
 */
import { readFileSync } from 'node:fs'
import autocannon from 'autocannon'

export interface LoadRequest {
  method: 'GET' | 'POST' | 'OPTIONS'
  path: string
  headers?: Record<string, string>
  body?: string
}

export interface LoadSpec {
  /** Must be a loopback URL (http://127.0.0.1:port). */
  url: string
  connections: number
  /** Cycled through in order by each connection. */
  requests: LoadRequest[]
  amount?: number
  durationSeconds?: number
  /**
   * Headers handed out in turn across all connections: the routes with per-user
   * limits are driven with many users, each well under its limit.
   */
  headerPool?: Record<string, string>[]
  /**
   * `request` (the default): the next set for every request (setup). `cycle`: the next set for each
   * pass a connection makes through `requests`, kept for the whole pass, so that one user makes one
   * enable and then its disable (a user's state carries from one request to the next).
   */
  poolTurn?: 'request' | 'cycle'
}

export interface LoadResult {
  responses: number
  non2xx: number
  errors: number
  seconds: number
  rps: number
  p50: number
  p99: number
  /** The non-2xx answers by status and error code, e.g. `{ "429 too_many_attempts": 12 }`. */
  refusals: Record<string, number>
}

export function summarize(
  result: autocannon.Result,
  seconds = result.duration,
  refusals: Record<string, number> = {},
): LoadResult {
  const responses = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx']
  return {
    responses,
    non2xx: result.non2xx,
    errors: result.errors,
    seconds,
    rps: responses / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    refusals,
  }
}

/** `"<status> <code>"` of a non-2xx answer, the code read from the API's `{ error, code }` body. */
export function refusalKey(status: number, body: string): string {
  try {
    const { code } = JSON.parse(body) as { code?: unknown }
    return typeof code === 'string' ? `${status} ${code}` : String(status)
  } catch {
    return String(status)
  }
}

if (import.meta.main) {
  const spec = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as LoadSpec
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(spec.url)) throw new Error(`load: only loopback URLs, got ${spec.url}`)
  const refusals: Record<string, number> = {}
  // autocannon hands every body over; only a refusal's is parsed.
  const onResponse = (status: number, body: string) => {
    if (status >= 200 && status < 300) return
    const key = refusalKey(status, body)
    refusals[key] = (refusals[key] ?? 0) + 1
  }
  let turn = 0
  const pool = spec.headerPool ?? []
  const next = () => pool[turn++ % pool.length]
  // autocannon gives each connection a context, emptied when it starts a new pass through `requests`.
  const headersFor = (index: number, context: { headers?: Record<string, string> }) => {
    if (spec.poolTurn !== 'cycle') return next()
    if (index === 0 || context.headers === undefined) context.headers = next()
    return context.headers
  }
  const requests = spec.requests.map((request, index) =>
    pool.length === 0
      ? { ...request, onResponse }
      : {
          ...request,
          onResponse,
          setupRequest: (req: autocannon.Request, context: object) => ({
            ...req,
            headers: { ...req.headers, ...headersFor(index, context) },
          }),
        },
  )
  const started = performance.now()
  let lastResponse = started
  const options = {
    url: spec.url,
    connections: spec.connections,
    requests,
    ...(spec.amount ? { amount: spec.amount } : { duration: spec.durationSeconds ?? 2 }),
    timeout: 10,
  }
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const run = autocannon(options, (error, done) => (error ? reject(error) : resolve(done)))
    run.on('response', () => {
      lastResponse = performance.now()
    })
  })
  process.stdout.write(JSON.stringify(summarize(result, (lastResponse - started) / 1000, refusals)))
}
