/** The Hono environment of the front: its bindings (types/front-env.d.ts) and what its middleware set. */
import type { ErrorCode } from '../shared/errors'
import type { FrontSettings } from './settings'

export interface FrontAppEnv {
  Bindings: FrontEnv
  Variables: {
    /** Named as the core's, so the shared CORS middleware (src/front/cors.ts) reads it the same way. */
    settings: FrontSettings
    /** Made by the front, passed to the core in REQUEST_ID_HEADER, echoed as `X-Request-Id`. */
    requestId: string
    /** The catalogue code the front refused with, if it answered itself. */
    errorCode: ErrorCode | undefined
    /** The request body as read by ./body.ts (null: none), for the shape checks and the forward. */
    body: Uint8Array | null
    /** Whether the core answered (the request was forwarded). */
    forwarded: boolean
  }
}
