/**
 * Limits both Workers apply to a request, so that the front refuses exactly what the core would,
 * and how a body is read within them.
 */
import { ApiError } from './errors'

// The largest body any route takes is `{"verification_code":"123456"}`; 4 KiB is ample.
export const MAX_BODY_BYTES = 4 * 1024

/**
 * How much of a refused body is still read, and for how long, before the 413 is sent. The client is
 * usually still sending then; a stream cancelled under it closes the connection while its data is
 * in flight, and the reset that follows can destroy the answer before the client reads it
 * (RFC 9112 §9.6, "lingering close"). So the rest is read and dropped, within these bounds; past them
 * the stream is cancelled: a client sending more, or more slowly, may see the connection drop.
 */
export interface DrainLimits {
  /** @default DRAIN_MAX_BYTES */
  maxBytes: number
  /** @default DRAIN_MAX_MS */
  maxMs: number
}

export const DRAIN_MAX_BYTES = 4 * 1024 * 1024 // 4 MiB: a mistaken upload, not a flood
export const DRAIN_MAX_MS = 5_000 // 5 s: 4 MiB at about 7 Mbit/s

const DRAIN: DrainLimits = { maxBytes: DRAIN_MAX_BYTES, maxMs: DRAIN_MAX_MS }

/**
 * A request's body, read whole: at most `maxBytes`, or null when it has none. Over the limit,
 * declared (`Content-Length`) or counted, it throws `payload_too_large` once the rest is drained.
 */
export async function readBodyWithin(
  request: Request,
  maxBytes: number,
  drain: DrainLimits = DRAIN,
): Promise<Uint8Array | null> {
  const body = request.body
  if (body === null) return null
  const reader = body.getReader()
  const declared = Number(request.headers.get('Content-Length'))
  if (declared > maxBytes) {
    // A declared length past the drain bound would be cut off anyway: refused unread.
    await (declared > drain.maxBytes ? reader.cancel().catch(() => undefined) : discard(reader, drain))
    throw new ApiError('payload_too_large')
  }
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await discard(reader, { ...drain, maxBytes: drain.maxBytes - size })
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

/** Reads a body nothing else will and drops it, within `drain`: as after a refusal made before its limit was checked. */
export const drainBody = (body: ReadableStream<Uint8Array>, drain: DrainLimits = DRAIN): Promise<void> =>
  discard(body.getReader(), drain)

/** Reads the rest of a refused body and drops it, within `limits`; past them, cancels the stream. */
async function discard(reader: ReadableStreamDefaultReader<Uint8Array>, limits: DrainLimits): Promise<void> {
  const cancel = () => reader.cancel().catch(() => undefined)
  // Cancelling ends a read under way (it resolves as done), so a stalled client is let go on time.
  const timer = setTimeout(cancel, limits.maxMs)
  let left = limits.maxBytes
  try {
    while (left >= 0) {
      const { done, value } = await reader.read()
      if (done) return
      left -= value.byteLength
    }
    await cancel()
  } catch {
    // The body failed while being dropped (the client gave up): nothing is left to read.
  } finally {
    clearTimeout(timer)
  }
}
