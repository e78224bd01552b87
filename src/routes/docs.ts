/**
 * The API's own description. `GET /openapi.json` is public and the same for
 * everyone: the app answers it before reading its configuration, so even a
 * misconfigured deployment describes itself, and any origin may read it (no
 * credentials involved). The interactive reference page `GET /docs` (with its
 * script and style) is served only where SERVE_API_REFERENCE is on (`npm run dev`
 * turns it on). The files are static assets in public/, outside the script.
 */
import { Hono } from 'hono'
import * as z from 'zod/mini'
import type { AppEnv } from '../app-env'
import { ApiError } from '../errors'
import { describeRoute } from '../openapi/describe'

/** The page loads only its own script and style, and fetches only this origin. */
const REFERENCE_PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"

const REFERENCE_FILES: Record<string, string> = {
  '/docs': '/docs.html',
  '/docs.js': '/docs.js',
  '/docs.css': '/docs.css',
}

/** One file of public/, through the assets binding; its body and type only, our headers added by the app. */
async function asset(c: { env: Env; req: { url: string } }, path: string): Promise<Response> {
  const file = await c.env.ASSETS.fetch(new URL(path, c.req.url))
  if (!file.ok) throw new ApiError('not_found')
  const headers = new Headers({ 'Content-Type': file.headers.get('Content-Type') ?? 'application/octet-stream' })
  return new Response(file.body, { status: 200, headers })
}

export const openApiRoute = new Hono<AppEnv>().get(
  '/openapi.json',
  describeRoute({
    operationId: 'getOpenApi',
    summary: 'This document',
    response: { schema: z.looseObject({ openapi: z.string() }), example: { openapi: '3.1.1' } },
  }),
  async (c) => {
    const res = await asset(c, '/openapi.json')
    res.headers.set('Access-Control-Allow-Origin', '*')
    return res
  },
)

export const referencePageRoutes = new Hono<AppEnv>().on(
  'GET',
  ['/docs', '/docs.js', '/docs.css'],
  describeRoute({ hidden: 'the reference page, for people' }),
  async (c) => {
    if (!c.var.settings.serveApiReference) throw new ApiError('not_found')
    const res = await asset(c, REFERENCE_FILES[c.req.path] ?? '/')
    res.headers.set('Content-Security-Policy', REFERENCE_PAGE_CSP)
    return res
  },
)
