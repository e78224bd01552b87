/**
 * The Auth API calls the emulator served: counted in all, and recorded per
 * X-SaaSus-Trace-Id (operation and the forwarded Referer / X-SaaSus-Referer), so
 * a test or the bench counts and inspects its own calls only. An operation is
 * named by its method and the definition's path template, ids as `{tenant_id}`
 * and `{user_id}`: `GET /v1/auth/tenants/{tenant_id}/users` is GetTenantUsers,
 * `GET /v1/auth/tenants/{tenant_id}/users/{user_id}` GetTenantUser,
 * `GET /v1/auth/tenants/all/users/{user_id}` GetAllTenantUser.
 */
import type { MiddlewareHandler } from 'hono'
import type { EmulatorEnv } from './env'

export interface SeenCall {
  operation: string
  saasusReferer: string | null
  referer: string | null
}

export interface CallCounts {
  total: number
  byOperation: Record<string, number>
}

let total: CallCounts = { total: 0, byOperation: {} }

// Bounded: a long dev session with trace ids must not grow without limit.
const MAX_TRACES = 1_000
const byTraceId = new Map<string, SeenCall[]>()

function tally(operations: string[]): CallCounts {
  const byOperation: Record<string, number> = {}
  for (const operation of operations) byOperation[operation] = (byOperation[operation] ?? 0) + 1
  return { total: operations.length, byOperation }
}

/** The calls made under one trace id, in order. */
export const seenFor = (traceId: string): SeenCall[] => byTraceId.get(traceId) ?? []

/** Counts in all, or under one trace id. */
export const countsFor = (traceId?: string): CallCounts =>
  traceId ? tally(seenFor(traceId).map((call) => call.operation)) : total

export function resetCalls(): CallCounts {
  total = { total: 0, byOperation: {} }
  byTraceId.clear()
  return total
}

export const recordCalls = (): MiddlewareHandler<EmulatorEnv> =>
  async function recordCallsHandler(c, next) {
    const path = c.req.path
      .replace(/\/tenants\/(?!all\/)[^/]+/, '/tenants/{tenant_id}')
      .replace(/\/users\/[^/]+/, '/users/{user_id}')
    const operation = `${c.req.method} ${path}`
    total.total += 1
    total.byOperation[operation] = (total.byOperation[operation] ?? 0) + 1

    const traceId = c.req.header('X-SaaSus-Trace-Id')
    if (traceId) {
      if (!byTraceId.has(traceId) && byTraceId.size >= MAX_TRACES) {
        byTraceId.delete(byTraceId.keys().next().value as string)
      }
      const calls = byTraceId.get(traceId) ?? []
      calls.push({
        operation,
        saasusReferer: c.req.header('X-SaaSus-Referer') ?? null,
        referer: c.req.header('Referer') ?? null,
      })
      byTraceId.set(traceId, calls)
    }
    await next()
  }

/** As SaaSus does: every answer carries `X-Saasus-Trace-Id`, the caller's if it sent one. */
export const echoTraceId = (): MiddlewareHandler<EmulatorEnv> =>
  async function echoTraceIdHandler(c, next) {
    const traceId = c.req.header('X-SaaSus-Trace-Id') || crypto.randomUUID()
    await next()
    c.res.headers.set('X-Saasus-Trace-Id', traceId)
  }
