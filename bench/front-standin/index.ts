/**
 * The bench's stand-in for the edge front of the front + core layout: a preflight
 * from an allowed origin is answered here, at the user's edge, and every other
 * request goes to the core (today's whole API) through the CORE service binding.
 * Only the latency model uses it; the real front replaces it once the split lands.
 */

interface FrontEnv {
  ALLOWED_ORIGINS: string
  CORE: Fetcher
}

/** What the API's own preflight answer says (src/middleware/cors.ts): 7200 s is Chromium's cap. */
const MAX_AGE_SECONDS = '7200'

function preflight(request: Request, allowed: string): Response | undefined {
  const origin = request.headers.get('Origin')
  const method = request.headers.get('Access-Control-Request-Method')
  if (request.method !== 'OPTIONS' || !origin || !method) return undefined
  // Anything else (an origin not on the list) is left to the core to refuse.
  if (!allowed.split(',').some((entry) => entry.trim() === origin)) return undefined
  return new Response(null, {
    status: 204,
    headers: {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Allow-Methods': method,
      'Access-Control-Allow-Headers': request.headers.get('Access-Control-Request-Headers') ?? '',
      'Access-Control-Max-Age': MAX_AGE_SECONDS,
      Vary: 'Origin',
    },
  })
}

export default {
  fetch: (request, env) => preflight(request, env.ALLOWED_ORIGINS) ?? env.CORE.fetch(request),
} satisfies ExportedHandler<FrontEnv>
