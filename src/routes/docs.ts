/**
 * The API's own description: `GET /openapi.json` always, and the interactive
 * reference page `GET /docs` only where SERVE_API_REFERENCE is on (`npm run dev`
 * turns it on; it is off unless configured).
 */
import { Hono } from 'hono'
import type { AppEnv } from '../app-env'
import { ApiError } from '../errors'
import openApiDocument from '../openapi/openapi.json'
import { REFERENCE_PAGE } from '../openapi/reference-page'

let openApiText: string | undefined

export const docsRoutes = new Hono<AppEnv>()
  .get('/openapi.json', (c) => {
    openApiText ??= JSON.stringify(openApiDocument)
    return c.body(openApiText, 200, { 'Content-Type': 'application/json; charset=UTF-8' })
  })
  .get('/docs', (c) => {
    if (!c.var.config.serveApiReference) throw new ApiError('not_found')
    return c.html(REFERENCE_PAGE)
  })
