/**
 * The front's request id and its log line. The id is made here for every request, passed to the
 * core in `X-Request-Id` (which the core's log line then carries) and echoed to the client.
 *
 * One line per request, the answering Worker's: the front writes one for a request it answered
 * itself (a refusal, a preflight, a page, the core unreachable); a request the core answered has the
 * core's line, with the same id, and the front writes none. Workers Logs records each invocation of
 * both Workers anyway, with its status, wall time and CPU time. The line holds values the front chose
 * only: method, status, time and the catalogue code it refused with.
 */
import type { MiddlewareHandler } from 'hono'
import type { ErrorCode } from '../shared/errors'
import { logRequest } from '../shared/log'
import type { FrontAppEnv } from './app-env'
import type { FrontSettings } from './settings'

/** The header that carries the id to the core and back to the client. */
export const REQUEST_ID_HEADER = 'X-Request-Id'

/**
 * The front's line for a request it answered itself: the middleware below and the forward path
 * (./forward.ts) write it. `answeredBy` stays in the line for the readers that filter on it.
 */
export function logFrontRequest(line: {
  requestId: string
  method: string
  status: number
  started: number
  code: ErrorCode | undefined
  settings: FrontSettings | undefined
}): void {
  const { requestId, method, status, code } = line
  logRequest(
    {
      event: 'front_request',
      requestId,
      method,
      status,
      ms: Date.now() - line.started,
      ...(code ? { code } : {}),
      answeredBy: 'front',
    },
    // As the core's REQUEST_LOG "failures", by status.
    { failed: status >= 400, requestLog: line.settings?.requestLog },
  )
}

export const frontRequestLog = (): MiddlewareHandler<FrontAppEnv> =>
  async function frontRequestLogHandler(c, next) {
    const started = Date.now()
    const requestId = crypto.randomUUID()
    c.set('requestId', requestId)
    c.set('forwarded', false)
    await next()
    c.res.headers.set(REQUEST_ID_HEADER, requestId)
    // The core's answer: its line is the request's.
    if (c.get('forwarded')) return
    logFrontRequest({
      requestId,
      method: c.req.method,
      status: c.res.status,
      started,
      code: c.get('errorCode'),
      settings: c.get('settings'),
    })
  }
