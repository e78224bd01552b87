/**
 * Everything the front does not answer goes to the core over the CORE service binding: the
 * request as it came, with the front's request id. A fetch binding, not RPC, so the core stays a
 * whole HTTP app (its routes, guards and descriptions) and the hop can be measured or delayed.
 *
 * Two ways in. `forwardToCore` is the app's last handler, for what reaches it (a HEAD, a path the
 * route table does not have, a GET with a body). `forwardFirst` puts the forward path in
 * front of the app: a request for a route of the table, from no origin or an allowed one, that
 * passes the route's checks, goes to the core straight away, with no middleware run for it, and
 * its answer is built once with every header the app's middleware would add (docs/performance.md,
 * "The forward path"). Anything else it leaves to the app untouched, so every refusal, preflight
 * and page is the app's answer; a request it has read the body of goes to the app with those bytes.
 */
import type { Handler, Hono } from 'hono'
import { getPath } from 'hono/utils/url'
import { type AnsweringContext, answerError } from '../shared/answer'
import { ApiError } from '../shared/errors'
import { MAX_BODY_BYTES, readBodyWithin } from '../shared/request-limits'
import type { FrontAppEnv } from './app-env'
import { logFrontRequest, REQUEST_ID_HEADER } from './request-log'
import type { Check } from './request-shape'
import { addResponseHeaders } from './response-headers'
import { type FrontSettings, frontSettingsFor } from './settings'

/** What the front sends the core of a request: read once, as each read of a Request's property is a call into the runtime. */
interface Outgoing {
  url: string
  method: string
  headers: Headers
  body: Uint8Array | null
}

/**
 * The core's answer to `request` with the front's id. `503 core_unavailable` when the binding fails,
 * or answers a server error that is not the core's JSON.
 */
async function callCore(env: FrontEnv, request: Outgoing, requestId: string) {
  const headers = new Headers(request.headers)
  // Ours, not the client's: the core's log line carries the id the client is given.
  headers.set(REQUEST_ID_HEADER, requestId)
  let answer: Response
  try {
    const { url, method, body } = request
    answer = await env.CORE.fetch(url, { method, headers, body, redirect: 'manual' })
  } catch (error) {
    throw new ApiError('core_unavailable', { cause: error })
  }
  // Every answer of the core is its JSON. A server error in other words is the runtime's, not the
  // core's (the core not deployed or not running, over a limit, crashed): its page is not passed on.
  if (answer.status >= 500 && !answer.headers.get('Content-Type')?.startsWith('application/json')) {
    await answer.body?.cancel()
    throw new ApiError('core_unavailable')
  }
  return answer
}

export const forwardToCore = (): Handler<FrontAppEnv> =>
  async function forwardToCoreHandler(c) {
    // The bytes ./body.ts read whole (at most 4 KiB), so the core never reads a stream the front has answered past.
    const { method, url, headers } = c.req.raw
    const body = method === 'GET' || method === 'HEAD' ? null : c.get('body')
    const answer = await callCore(c.env, { url, method, headers, body }, c.get('requestId'))
    c.set('forwarded', true)
    // The binding's response has immutable headers; the front still adds CORS and the id.
    return new Response(answer.body, answer)
  }

/** What the forward path needs of the app it stands in front of. */
export interface ForwardFirstOptions {
  /** ./request-shape.ts `routeChecks`: the routes it may forward, each with its checks. */
  routes: ReadonlyMap<string, Check[]>
  /** ./cors.ts `corsAnswerHeaders`, with the app's options. */
  addCorsHeaders: (headers: Headers, allowed: string | undefined) => void
}

/** `answerError`'s context for an answer made outside Hono: the same body, status and headers as `c.json`. */
function plainContext(): AnsweringContext & { code?: ApiError['code'] } {
  return {
    set(_key, value) {
      this.code = value
    },
    json(body, status, headers = {}) {
      const out = new Headers({ 'Content-Type': 'application/json' })
      for (const [name, value] of Object.entries(headers)) {
        for (const one of Array.isArray(value) ? value : [value]) out.append(name, one)
      }
      return new Response(JSON.stringify(body), { status, headers: out })
    },
  }
}

/** What the path knows of a request it forwards, for its answer and its log line. */
interface Passage {
  requestId: string
  started: number
  /** The request's Origin, when it has one (then on the allow-list). */
  allowed: string | undefined
  settings: FrontSettings
}

/** The forward path's routes have no path parameters (./request-shape.ts `routeChecks`). */
const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({})

/** Runs each check; false at the first refusal (the app then makes it again, and answers it). */
function passes(checks: Check[], headers: Headers, body: Uint8Array | null): boolean {
  try {
    for (const check of checks) check(headers, body, NO_PARAMS)
    return true
  } catch {
    return false
  }
}

/**
 * `app` with the forward path in front of it: its `fetch` (and so its `request`) tries the path
 * first. The app is returned, so that tests and the Worker use one object.
 */
export function forwardFirst<A extends Hono<FrontAppEnv>>(app: A, options: ForwardFirstOptions): A {
  const appFetch = app.fetch

  /** The answer the client gets: the core's, or the refusal `error`, with every header the app would add. */
  const answer = (
    request: Outgoing,
    outcome: { answer: Response } | { error: unknown },
    { requestId, started, allowed, settings }: Passage,
  ) => {
    let from: Response
    let code: ApiError['code'] | undefined
    if ('answer' in outcome) from = outcome.answer
    else {
      const context = plainContext()
      from = answerError(context, outcome.error)
      code = context.code
    }
    // The binding's response has immutable headers: its own are copied, and ours added, into a new
    // Headers object, whole before the Response is made (a Response's headers cost more to change).
    const status = from.status
    const headers = new Headers(from.headers)
    addResponseHeaders(headers)
    options.addCorsHeaders(headers, allowed)
    headers.set(REQUEST_ID_HEADER, requestId)
    // The core's answer has the core's line; one the path gave itself (413, the core unreachable), the front's.
    if (code !== undefined) logFrontRequest({ requestId, method: request.method, status, started, code, settings })
    return new Response(from.body, { status, statusText: from.statusText, headers })
  }

  const send = async (request: Outgoing, env: FrontEnv, passage: Passage) => {
    try {
      return answer(request, { answer: await callCore(env, request, passage.requestId) }, passage)
    } catch (error) {
      return answer(request, { error }, passage)
    }
  }

  app.fetch = (request, bindings, executionCtx) => {
    const env = bindings as FrontEnv | undefined
    const { method, url, headers } = request
    if ((method !== 'GET' && method !== 'POST') || env === undefined) return appFetch(request, env, executionCtx)
    let settings: FrontSettings
    try {
      settings = frontSettingsFor(env)
    } catch {
      return appFetch(request, env, executionCtx) // the app reports the misconfiguration
    }
    // No Origin (curl, servers) passes, as in the app; an origin off the list is the app's to refuse.
    const allowed = headers.get('Origin') ?? undefined
    if (allowed !== undefined && !settings.allowedOrigins.has(allowed)) return appFetch(request, env, executionCtx)
    // Hono's own reading of the path (percent-decoding included), as the app's router reads it.
    const checks = options.routes.get(`${method} ${getPath({ url } as Request)}`)
    if (checks === undefined) return appFetch(request, env, executionCtx)
    const passage = { requestId: crypto.randomUUID(), started: Date.now(), allowed, settings }
    if (request.body === null) {
      if (!passes(checks, headers, null)) return appFetch(request, env, executionCtx)
      return send({ url, method, headers, body: null }, env, passage)
    }
    // A GET's body is the app's to drain; a POST's is read here as the app reads it, whole and bounded
    // (over the bound: drained, then 413, as the app answers it).
    if (method === 'GET') return appFetch(request, env, executionCtx)
    return (async () => {
      let body: Uint8Array | null
      try {
        body = await readBodyWithin(request, MAX_BODY_BYTES)
      } catch (error) {
        return answer({ url, method, headers, body: null }, { error }, passage)
      }
      // A refusal of the body is the app's to make, from the same bytes.
      if (!passes(checks, headers, body)) return appFetch(new Request(request, { body }), env, executionCtx)
      return send({ url, method, headers, body }, env, passage)
    })()
  }
  return app
}
