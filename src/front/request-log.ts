/**
 * The front's request id and its log line. The id is made here for every request, passed to the
 * core in `X-Request-Id` (which the core's log line then carries) and echoed to the client, so
 * one id finds both lines in Workers Logs. The line holds values the front chose only: method,
 * status, time, the catalogue code it refused with, and whether the core answered.
 */
import type { MiddlewareHandler } from 'hono'
import { logRequest } from '../shared/log'
import type { FrontAppEnv } from './app-env'

/** The header that carries the id to the core and back to the client. */
export const REQUEST_ID_HEADER = 'X-Request-Id'

export const frontRequestLog = (): MiddlewareHandler<FrontAppEnv> =>
  async function frontRequestLogHandler(c, next) {
    const started = Date.now()
    const requestId = crypto.randomUUID()
    c.set('requestId', requestId)
    c.set('forwarded', false)
    await next()
    c.res.headers.set(REQUEST_ID_HEADER, requestId)

    const status = c.res.status
    const code = c.get('errorCode')
    logRequest(
      {
        event: 'front_request',
        requestId,
        method: c.req.method,
        status,
        ms: Date.now() - started,
        ...(code ? { code } : {}),
        answeredBy: c.get('forwarded') ? 'core' : 'front',
      },
      // As the core's REQUEST_LOG "failures", by status: the core's code is in its own line.
      { failed: status >= 400, requestLog: c.get('settings')?.requestLog },
    )
  }
