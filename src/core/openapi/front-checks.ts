/**
 * The request-shape checks the front (src/front/) can make without SaaSus, per route, read off the
 * core's routes the way the OpenAPI document is: from the facts each guard carries
 * (src/core/openapi/describe.ts). `npm run gen:openapi` writes them to src/front/route-checks.json, so
 * a new route or guard reaches the front with no second table to keep in step.
 *
 * The order is the core's, and the checks stop at the bearer: past it the core asks SaaSus for the
 * user first, so a later check made early would change what is answered and what SaaSus is asked
 * (test/routes/user-cache.test.ts). The front answers a request as the core would.
 */
import type { ErrorCode } from '../../shared/errors'
import { type Facts, factsOf } from './describe'
import type { RouteEntry } from './document'

/** `bearer`: a well-formed, unexpired ID token; `accessToken`: X-Access-Token; `json`: a JSON body or none. */
export type FrontCheck = 'bearer' | 'accessToken' | 'json'

/** Which error a guard answers with tells which check it makes. */
const BY_ERROR: Partial<Record<ErrorCode, FrontCheck>> = {
  missing_access_token: 'accessToken',
  unsupported_media_type: 'json',
}

function checksOf(facts: Facts): FrontCheck[] {
  const checks: FrontCheck[] = facts.bearer ? ['bearer'] : []
  for (const error of facts.errors ?? []) {
    const check = BY_ERROR[error]
    if (check) checks.push(check)
  }
  return checks
}

/** `"METHOD /path"` → the checks of that route's guards, in the order they run. */
export function frontChecks(routes: readonly RouteEntry[]): Record<string, FrontCheck[]> {
  const table: Record<string, FrontCheck[]> = {}
  for (const entry of routes) {
    if (entry.method === 'ALL') continue
    const facts = factsOf(entry.handler)
    const key = `${entry.method} ${entry.path}`
    table[key] ??= []
    // A route's own description lists every error it may answer; only its guards check.
    if (!facts || 'operationId' in facts) continue
    if (table[key].includes('bearer')) continue
    for (const check of checksOf(facts)) if (!table[key].includes(check)) table[key].push(check)
  }
  return Object.fromEntries(Object.entries(table).filter(([, checks]) => checks.length > 0))
}
