/**
 * What the emulator saw of the headers the API forwards (X-SaaSus-Referer,
 * Referer), recorded per X-SaaSus-Trace-Id so a test can check forwarding
 * for its own requests only.
 */
import type { MiddlewareHandler } from 'hono'
import type { EmulatorEnv } from './env'

export interface SeenCall {
  operation: string
  saasusReferer: string | null
  referer: string | null
}

// Bounded: a long dev session with trace ids must not grow without limit.
const MAX_TRACES = 1_000
const seen = new Map<string, SeenCall[]>()

export const seenFor = (traceId: string): SeenCall[] => seen.get(traceId) ?? []

export const recordTraces = (): MiddlewareHandler<EmulatorEnv> =>
  async function recordTracesHandler(c, next) {
    const traceId = c.req.header('X-SaaSus-Trace-Id')
    if (traceId) {
      if (!seen.has(traceId) && seen.size >= MAX_TRACES) seen.delete(seen.keys().next().value as string)
      const calls = seen.get(traceId) ?? []
      calls.push({
        operation: `${c.req.method} ${c.req.path.replace(/\/users\/[^/]+/, '/users/{user_id}')}`,
        saasusReferer: c.req.header('X-SaaSus-Referer') ?? null,
        referer: c.req.header('Referer') ?? null,
      })
      seen.set(traceId, calls)
    }
    await next()
  }
