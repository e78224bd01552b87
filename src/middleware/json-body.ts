/**
 * JSON bodies: a body, when there is one, must be declared as JSON and parse as
 * JSON. The routes' zod validators then check its shape. An empty body passes
 * (the sample SPA posts `{}` to enable and disable; other clients post nothing).
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env'
import { ApiError } from '../errors'

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i

export const jsonBody = (): MiddlewareHandler<AppEnv> =>
  async function jsonBodyHandler(c, next) {
    // Hono caches the text, so the validator's later c.req.json() reads it again for free.
    const text = await c.req.text()
    if (text.trim() !== '') {
      const mediaType = (c.req.header('Content-Type') ?? '').split(';')[0]?.trim() ?? ''
      if (!JSON_MEDIA_TYPE.test(mediaType)) throw new ApiError('unsupported_media_type')
      try {
        JSON.parse(text)
      } catch (error) {
        throw new ApiError('invalid_json', { cause: error })
      }
    }
    await next()
  }
