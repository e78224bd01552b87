/**
 * Everything the front does not answer goes to the core over the CORE service binding: the
 * request as it came, with the front's request id. A fetch binding, not RPC, so the core stays a
 * whole HTTP app (its routes, guards and descriptions) and the hop can be measured or delayed.
 */
import type { Handler } from 'hono'
import { ApiError } from '../shared/errors'
import type { FrontAppEnv } from './app-env'
import { REQUEST_ID_HEADER } from './request-log'

export const forwardToCore = (): Handler<FrontAppEnv> =>
  async function forwardToCoreHandler(c) {
    const headers = new Headers(c.req.raw.headers)
    // Ours, not the client's: the core's log line carries the id the client is given.
    headers.set(REQUEST_ID_HEADER, c.get('requestId'))
    // The bytes ./body.ts read whole (at most 4 KiB), so the core never reads a stream the front has answered past.
    const body = c.req.method === 'GET' || c.req.method === 'HEAD' ? null : c.get('body')
    let answer: Response
    try {
      answer = await c.env.CORE.fetch(c.req.url, { method: c.req.method, headers, body, redirect: 'manual' })
    } catch (error) {
      throw new ApiError('core_unavailable', { cause: error })
    }
    // Every answer of the core is its JSON. A server error in other words is the runtime's, not the
    // core's (the core not deployed or not running, over a limit, crashed): its page is not passed on.
    if (answer.status >= 500 && !answer.headers.get('Content-Type')?.startsWith('application/json')) {
      await answer.body?.cancel()
      throw new ApiError('core_unavailable')
    }
    c.set('forwarded', true)
    // The binding's response has immutable headers; the front still adds CORS and the id.
    return new Response(answer.body, answer)
  }
