/**
 * Every route of the API, declared once: its method, its path (Hono's syntax, parameters as
 * `:name`) and the guards it passes, in the order they run. Both Workers are built from this table:
 *
 * - the core (src/core/routes/) chains each route's guards from it, beside the route's handler and
 *   its OpenAPI description (zod schemas, examples: the core's alone);
 * - the front (src/front/request-shape.ts) makes the guards' checks that need neither SaaSus nor a
 *   core binding, in the same order, up to the first guard that does (`frontChecks` below);
 * - both refuse a path of the table asked with a method it does not have: `405` with `Allow`
 *   (`allowedMethods` below, `methodCheck` in ./guards.ts).
 *
 * No zod and no binding types here: the front imports it.
 */

/** The per-user limiters of the core (wrangler.core.toml `[[ratelimits]]`). */
export type UserLimiter = 'MFA_VERIFY_LIMITER' | 'MFA_SETUP_LIMITER' | 'MFA_CHANGE_LIMITER'
/** The limiters of the route that takes no bearer, keyed by client address or overall. */
export type ClientLimiter = 'MFA_RECOVER_LIMITER' | 'MFA_RECOVER_GLOBAL_LIMITER'

/**
 * The path parameters of the table (`/tenants/:tenant_id/…`): each a SaaSus id, a UUID as SaaSus
 * writes one, in lower case. Checked before anything else of the request, so a path trick (`..`,
 * an encoded slash, an upper-case UUID naming another object) never reaches SaaSus or an object.
 * Any version and variant: the definition's own example UUID is not RFC 9562's.
 */
export const PATH_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** One check a request passes before its handler runs. */
export type Guard =
  /** Every path parameter is a PATH_ID. */
  | { kind: 'pathIds' }
  /** The query string: the route's own query schema (its OpenAPI description, in the core). */
  | { kind: 'query' }
  /** `Authorization: Bearer <ID token>`, resolved to a user by SaaSus; `cached`: a read that may reuse one. */
  | { kind: 'user'; cached?: boolean }
  /** `X-Access-Token`: the user's SaaSus access token. */
  | { kind: 'accessToken' }
  /** `X-Requested-With`, on the cookie routes (CSRF). */
  | { kind: 'requestedWith' }
  /** A body, when there is one, declared as JSON and parsing as JSON. */
  | { kind: 'json' }
  /**
   * The body's shape: the route's own request schema (its OpenAPI description, in the core). A route
   * whose body is optional takes an empty one as no body; any other must be what the schema says.
   */
  | { kind: 'body' }
  | { kind: 'limitPerUser'; limiter: UserLimiter }
  | { kind: 'limitClients'; limiter: ClientLimiter; scope: 'address' | 'overall' }
  /** With `MFA_STEP_UP=required`, a current code of the authenticator, from the body or a header. */
  | { kind: 'stepUp'; from: 'body' | 'header'; onlyWhenMfaEnabled?: boolean }
  /** `409 mfa_not_enabled` unless SaaSus has MFA on. */
  | { kind: 'mfaEnabled' }
  /**
   * The caller is in the path's tenant (SaaSus's user info), as any member or as one of its admins
   * (MFA_POLICY_ADMIN_ROLES); else `404 tenant_not_found`, or `403 not_tenant_admin` for a member.
   */
  | { kind: 'tenant'; role: 'member' | 'admin' }
  /**
   * The path's `user_id` is a member of the path's tenant the caller may reset (SaaSus's
   * `GetTenantUsers` and `GetAllTenantUser`): not the caller, and no admin of a tenant the caller is not.
   */
  | { kind: 'resettableMember' }
  /**
   * An operator: the request signed with SECURITY_WEBHOOK_SECRET, Standard Webhooks headers over the
   * method, path, query and body (src/core/webhooks/operator.ts); `404 webhooks_off` without webhooks.
   */
  | { kind: 'operator' }

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  path: string
  guards: readonly Guard[]
}

const user = { kind: 'user' } as const
const readingUser = { kind: 'user', cached: true } as const
const json = { kind: 'json' } as const
const body = { kind: 'body' } as const
const changeLimit = { kind: 'limitPerUser', limiter: 'MFA_CHANGE_LIMITER' } as const
const pathIds = { kind: 'pathIds' } as const
const inTenant = { kind: 'tenant', role: 'member' } as const
const adminOfTenant = { kind: 'tenant', role: 'admin' } as const

/** Keyed by the OpenAPI operationId. */
export const ROUTES = {
  // The five routes of SaaSus's sample servers, same paths and shapes.
  getMfaStatus: { method: 'GET', path: '/mfa_status', guards: [readingUser] },
  setupMfa: {
    method: 'GET',
    path: '/mfa_setup',
    guards: [
      user,
      { kind: 'accessToken' },
      { kind: 'limitPerUser', limiter: 'MFA_SETUP_LIMITER' },
      { kind: 'stepUp', from: 'header', onlyWhenMfaEnabled: true },
    ],
  },
  verifyMfa: {
    method: 'POST',
    path: '/mfa_verify',
    guards: [user, { kind: 'accessToken' }, json, body, { kind: 'limitPerUser', limiter: 'MFA_VERIFY_LIMITER' }],
  },
  enableMfa: { method: 'POST', path: '/mfa_enable', guards: [user, json, body, changeLimit] },
  disableMfa: {
    method: 'POST',
    path: '/mfa_disable',
    guards: [user, json, body, changeLimit, { kind: 'stepUp', from: 'body' }],
  },

  // Account protection (docs/account-protection.md).
  createRecoveryCodes: {
    method: 'POST',
    path: '/mfa_recovery_codes',
    guards: [user, json, body, changeLimit, { kind: 'mfaEnabled' }, { kind: 'stepUp', from: 'body' }],
  },
  getRecoveryCodes: { method: 'GET', path: '/mfa_recovery_codes', guards: [readingUser] },
  recoverWithCode: {
    method: 'POST',
    path: '/mfa_recover',
    guards: [
      json,
      body,
      { kind: 'limitClients', limiter: 'MFA_RECOVER_LIMITER', scope: 'address' },
      { kind: 'limitClients', limiter: 'MFA_RECOVER_GLOBAL_LIMITER', scope: 'overall' },
    ],
  },
  getMfaEvents: { method: 'GET', path: '/mfa_events', guards: [readingUser] },

  // The session loop of the sample SPA (docs/spa-guide.md).
  getCredentials: { method: 'GET', path: '/credentials', guards: [{ kind: 'requestedWith' }] },
  refreshCredentials: { method: 'GET', path: '/refresh', guards: [{ kind: 'requestedWith' }] },
  getUserInfo: { method: 'GET', path: '/userinfo', guards: [user] },
  logout: { method: 'POST', path: '/logout', guards: [{ kind: 'requestedWith' }] },

  // Tenant MFA policy (docs/tenant-policy.md). Reads may reuse a user resolved moments ago, so a
  // role taken away at SaaSus stops counting within USER_CACHE_TTL_SECONDS; changes ask SaaSus afresh.
  getTenantMfaPolicy: {
    method: 'GET',
    path: '/tenants/:tenant_id/mfa_policy',
    guards: [pathIds, readingUser, inTenant],
  },
  setTenantMfaPolicy: {
    method: 'PUT',
    path: '/tenants/:tenant_id/mfa_policy',
    guards: [pathIds, user, json, body, adminOfTenant, changeLimit],
  },
  listTenantMfaMembers: {
    method: 'GET',
    path: '/tenants/:tenant_id/mfa_members',
    guards: [pathIds, { kind: 'query' }, readingUser, adminOfTenant],
  },
  getTenantMfaEvents: {
    method: 'GET',
    path: '/tenants/:tenant_id/mfa_events',
    guards: [pathIds, readingUser, adminOfTenant],
  },
  resetMemberMfa: {
    method: 'POST',
    path: '/tenants/:tenant_id/members/:user_id/mfa_reset',
    guards: [
      pathIds,
      user,
      json,
      body,
      adminOfTenant,
      changeLimit,
      { kind: 'resettableMember' },
      // The admin's own code, when MFA_STEP_UP is required and the admin's MFA is on.
      { kind: 'stepUp', from: 'body', onlyWhenMfaEnabled: true },
    ],
  },

  // Security webhooks (docs/webhooks.md): what the receiver never took, for whoever holds its secret.
  listWebhookDeadLetters: {
    method: 'GET',
    path: '/webhooks/dead_letters',
    guards: [{ kind: 'query' }, { kind: 'operator' }],
  },
  replayWebhookDeadLetters: {
    method: 'POST',
    path: '/webhooks/dead_letters/replay',
    guards: [json, { kind: 'operator' }, body],
  },
} as const satisfies Record<string, RouteSpec>

export type OperationId = keyof typeof ROUTES

/** The order `Allow` lists methods in. */
const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE']

/**
 * The methods each path of a table answers, as `Allow` lists them: its routes' methods, and HEAD
 * wherever GET is (Hono answers HEAD with the GET route, as RFC 9110 §9.3.2 asks). OPTIONS is not
 * one: here it is only ever a CORS preflight, which the front answers for the allowed origins on
 * every path before any route is matched (docs/errors.md).
 */
export function allowedMethods(routes: Readonly<Record<string, RouteSpec>> = ROUTES): Map<string, string[]> {
  const byPath = new Map<string, Set<string>>()
  for (const { method, path } of Object.values(routes)) {
    const methods = byPath.get(path) ?? new Set<string>()
    methods.add(method)
    if (method === 'GET') methods.add('HEAD')
    byPath.set(path, methods)
  }
  const order = (method: string) => METHOD_ORDER.indexOf(method)
  return new Map([...byPath].map(([path, methods]) => [path, [...methods].sort((a, b) => order(a) - order(b))]))
}

/**
 * A check the front makes itself. `bearer`: a well-formed, unexpired ID token (the part of the
 * `user` guard that needs no SaaSus); the others are their guards whole.
 */
export type FrontCheck = 'pathIds' | 'bearer' | 'accessToken' | 'requestedWith' | 'json'

/**
 * The checks of a route's guards the front can make, in order, up to the first guard that needs
 * SaaSus or a core binding: past it the core would ask SaaSus (or spend a limit) first, so a
 * later check made early would change what is answered and what SaaSus is asked. `user` gives its
 * bearer check and ends the list (the core then asks SaaSus who the user is).
 */
export function frontChecks(guards: readonly Guard[]): FrontCheck[] {
  const checks: FrontCheck[] = []
  for (const guard of guards) {
    if (guard.kind === 'user') return [...checks, 'bearer']
    const own = guard.kind === 'pathIds' || guard.kind === 'accessToken' || guard.kind === 'requestedWith'
    if (own || guard.kind === 'json') checks.push(guard.kind)
    else return checks
  }
  return checks
}
