/**
 * The front's request id and its log line. The id is made here for every request, passed to the
 * core in `X-Request-Id` (which the core's log line then carries) and echoed to the client, so
 * one id finds both lines in Workers Logs. The line holds values the front chose only: method,
 * status, time, the catalogue code it refused with, and whether the core answered.
 */
import type { MiddlewareHandler } from 'hono'
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
    const line = {
      level: status >= 500 ? 'error' : 'info',
      event: 'front_request',
      requestId,
      method: c.req.method,
      status,
      ms: Date.now() - started,
      ...(c.get('errorCode') ? { code: c.get('errorCode') } : {}),
      answeredBy: c.get('forwarded') ? 'core' : 'front',
    }
    if (status >= 500) console.error(JSON.stringify(line))
    // As the core's REQUEST_LOG: "failures" keeps the lines of error answers (here by status:
    // the core's code is in its own line); without settings (misconfigured), every line is kept.
    else if (status >= 400 || c.get('settings')?.requestLog !== 'failures') console.log(JSON.stringify(line))
  }
