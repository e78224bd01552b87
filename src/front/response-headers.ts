/**
 * Headers every response carries, errors and preflights included: `Cache-Control: no-store`, since
 * MFA answers (a new secret, a user's MFA state) are for one user at one moment and no cache may keep
 * them (RFC 9111 §5.2.2.5), and the secure headers that protect a JSON answer: `nosniff`, a CSP and
 * `X-Frame-Options` that let no page render or frame it, CORP, HSTS, `Referrer-Policy`. The
 * reference page, a document, gets the rest of Hono's set too (`DOCUMENT_HEADERS`).
 *
 * Each is Hono's `secureHeaders` value with these options (test/unit/response-headers.test.ts holds
 * them equal), written from a list: the front's forward path (./forward.ts) adds them with no
 * middleware to run, and every header costs each answer a few µs (docs/performance.md, "The forward
 * path"), so those that protect only a document are not on the API's answers.
 *
 *   secureHeaders({ contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
 *                   xFrameOptions: 'DENY', overwrite: false })
 *
 * The front's, on every answer it gives, its own and the core's: the core has no public URL, so it
 * does not write them too. A response may set its own value of any of these (the reference page its
 * CSP, a core route its Cache-Control); the MFA routes set none, so they always get these.
 *
 * Cross-Origin-Resource-Policy only applies to no-cors loads (Fetch standard, CORP check), so it
 * blocks `<script src>` embedding of these answers while the SPA's CORS requests stay as CORS grants them.
 */
import type { MiddlewareHandler } from 'hono'

export const RESPONSE_HEADERS: readonly (readonly [name: string, value: string])[] = [
  ['Cache-Control', 'no-store'],
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
]

/**
 * What a browser applies to a document it renders (a browsing context's opener, agent cluster, DNS
 * prefetching, legacy IE and Flash and XSS-filter switches): the reference page's, not a JSON answer's.
 */
export const DOCUMENT_HEADERS: readonly (readonly [name: string, value: string])[] = [
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
]

/**
 * Adds each of `list` (RESPONSE_HEADERS unless said) that `headers` does not have: the app's answers
 * in place, and the forward path's copy of the core's (./forward.ts).
 */
export function addResponseHeaders(headers: Headers, list = RESPONSE_HEADERS): void {
  for (const [name, value] of list) if (!headers.has(name)) headers.set(name, value)
}

/** The app's (./app.ts): every answer it gives, the core's it passes on included, gets them on the way out. */
export const responseHeaders = (): MiddlewareHandler =>
  async function responseHeadersHandler(c, next) {
    await next()
    addResponseHeaders(c.res.headers)
  }
