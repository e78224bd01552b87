/**
 * The request body, read once and whole, at most MAX_BODY_BYTES. Over the limit the front answers
 * 413 and cancels the stream, so nothing reads it after the answer is sent (Hono's bodyLimit keeps
 * pulling a chunked body behind its error, which workerd reports as an uncaught exception).
 * The shape checks and the forward to the core then use the bytes kept here.
 */
import type { MiddlewareHandler } from 'hono'
import { ApiError } from '../shared/errors'
import type { FrontAppEnv } from './app-env'

async function readAtMost(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined)
      throw new ApiError('payload_too_large')
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

export const boundedBody = (maxBytes: number): MiddlewareHandler<FrontAppEnv> =>
  async function boundedBodyHandler(c, next) {
    const body = c.req.raw.body
    if (body === null) {
      c.set('body', null)
      return next()
    }
    // A declared length over the limit is refused unread.
    if (Number(c.req.header('Content-Length')) > maxBytes) {
      await body.cancel().catch(() => undefined)
      throw new ApiError('payload_too_large')
    }
    c.set('body', await readAtMost(body, maxBytes))
    await next()
  }
