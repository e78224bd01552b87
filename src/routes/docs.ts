/**
 * The API's own description: `GET /openapi.json` always, and the interactive
 * reference page `GET /docs` (with its script and style) only where
 * SERVE_API_REFERENCE is on (`npm run dev` turns it on; it is off unless
 * configured). The files are static assets in public/, outside the script.
 */
import { Hono } from 'hono'
import type { AppEnv } from '../app-env'
import { ApiError } from '../errors'

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

export const docsRoutes = new Hono<AppEnv>()
  .get('/openapi.json', (c) => asset(c, '/openapi.json'))
  .on('GET', ['/docs', '/docs.js', '/docs.css'], async (c) => {
    if (!c.var.config.serveApiReference) throw new ApiError('not_found')
    const res = await asset(c, REFERENCE_FILES[c.req.path] ?? '/')
    res.headers.set('Content-Security-Policy', REFERENCE_PAGE_CSP)
    return res
  })
