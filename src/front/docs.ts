/**
 * The API's own description, served by the front from its assets (public/, outside the script).
 * `GET /openapi.json` is public and the same for everyone: answered before the settings are read,
 * so even a misconfigured deployment describes itself, and any origin may read it (no
 * credentials involved). The interactive reference `GET /docs` (with its script and style) is
 * served only where SERVE_API_REFERENCE is on (`npm run dev` turns it on).
 */
import { Hono } from 'hono'
import { ApiError } from '../shared/errors'
import type { FrontAppEnv } from './app-env'
import { addResponseHeaders, DOCUMENT_HEADERS } from './response-headers'

/** The page loads only its own script and style, and fetches only this origin. */
const REFERENCE_PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"

const REFERENCE_FILES: Record<string, string> = {
  '/docs': '/docs.html',
  '/docs.js': '/docs.js',
  '/docs.css': '/docs.css',
}

/** One file of public/, its body and type only; the app adds its own headers. */
async function asset(c: { env: FrontEnv; req: { url: string } }, path: string): Promise<Response> {
  const file = await c.env.ASSETS.fetch(new URL(path, c.req.url))
  if (!file.ok) throw new ApiError('not_found')
  const headers = new Headers({ 'Content-Type': file.headers.get('Content-Type') ?? 'application/octet-stream' })
  return new Response(file.body, { status: 200, headers })
}

export const openApiRoute = new Hono<FrontAppEnv>().get('/openapi.json', async (c) => {
  const res = await asset(c, '/openapi.json')
  res.headers.set('Access-Control-Allow-Origin', '*')
  return res
})

export const referencePageRoutes = new Hono<FrontAppEnv>().on('GET', ['/docs', '/docs.js', '/docs.css'], async (c) => {
  if (!c.get('settings').serveApiReference) throw new ApiError('not_found')
  const res = await asset(c, REFERENCE_FILES[c.req.path] ?? '/')
  res.headers.set('Content-Security-Policy', REFERENCE_PAGE_CSP)
  // A document: the secure headers that protect one, beside every answer's (./response-headers.ts).
  addResponseHeaders(res.headers, DOCUMENT_HEADERS)
  return res
})
