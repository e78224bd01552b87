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
   * Headers handed out in turn, one set per request across all connections: the
   * routes with per-user limits (setup) are driven with many users, each well
   * under its limit.
   */
  headerPool?: Record<string, string>[]
}

export interface LoadResult {
  responses: number
  non2xx: number
  errors: number
  seconds: number
  rps: number
  p50: number
  p99: number
}

export function summarize(result: autocannon.Result, seconds = result.duration): LoadResult {
  const responses = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx']
  return {
    responses,
    non2xx: result.non2xx,
    errors: result.errors,
    seconds,
    rps: responses / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
  }
}

if (import.meta.main) {
  const spec = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as LoadSpec
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(spec.url)) throw new Error(`load: only loopback URLs, got ${spec.url}`)
  let turn = 0
  const pool = spec.headerPool ?? []
  const requests = spec.requests.map((request) =>
    pool.length === 0
      ? request
      : {
          ...request,
          setupRequest: (req: autocannon.Request) => ({
            ...req,
            headers: { ...req.headers, ...pool[turn++ % pool.length] },
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
  process.stdout.write(JSON.stringify(summarize(result, (lastResponse - started) / 1000)))
}
