/**
 * The front's request id and its log line. The id is made here for every request, passed to the
 * core in `X-Request-Id` (which the core's log line then carries) and echoed to the client, so
 * one id finds both lines in Workers Logs. The line holds values the front chose only: method,
 * status, time, the catalogue code it refused with, and whether the core answered.
 */
import type { MiddlewareHandler } from 'hono'
import type { ErrorCode } from '../shared/errors'
import { logRequest } from '../shared/log'
import type { FrontAppEnv } from './app-env'
import type { FrontSettings } from './settings'

/** The header that carries the id to the core and back to the client. */
export const REQUEST_ID_HEADER = 'X-Request-Id'

/** The front's line for one request: the middleware below and the forward path (./forward.ts) write it. */
export function logFrontRequest(line: {
  requestId: string
  method: string
  status: number
  started: number
  code: ErrorCode | undefined
  forwarded: boolean
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
      answeredBy: line.forwarded ? 'core' : 'front',
    },
    // As the core's REQUEST_LOG "failures", by status: the core's code is in its own line.
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

    logFrontRequest({
      requestId,
      method: c.req.method,
      status: c.res.status,
      started,
      code: c.get('errorCode'),
      forwarded: c.get('forwarded'),
      settings: c.get('settings'),
    })
  }
