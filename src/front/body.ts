/**
 * The request body, read once and whole, at most MAX_BODY_BYTES. Over the limit the front drains
 * what is left (within bounds) before it answers 413, so that the client, done sending, reads the
 * answer, and nothing reads the stream after the answer is sent (../shared/request-limits.ts).
 * The shape checks and the forward to the core then use the bytes kept here.
 */
import type { MiddlewareHandler } from 'hono'
import { type DrainLimits, drainBody, readBodyWithin } from '../shared/request-limits'
import type { FrontAppEnv } from './app-env'

/**
 * Outermost: a body no one read, its request answered before the limit below (CORS refused it, or
 * the settings are broken), is drained on the way out, so that it too is read before the answer goes.
 */
export const unreadBodyDrained = (drain?: DrainLimits): MiddlewareHandler<FrontAppEnv> =>
  async function unreadBodyDrainedHandler(c, next) {
    await next()
    const { body, bodyUsed } = c.req.raw
    if (body !== null && !bodyUsed) await drainBody(body, drain)
  }

export const boundedBody = (maxBytes: number, drain?: DrainLimits): MiddlewareHandler<FrontAppEnv> =>
  async function boundedBodyHandler(c, next) {
    c.set('body', await readBodyWithin(c.req.raw, maxBytes, drain))
    await next()
  }
