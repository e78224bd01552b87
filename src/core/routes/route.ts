/**
 * A route's guards, built from the route table (src/shared/routes.ts) in the order it lists
 * them, and run as one middleware that also carries the route's OpenAPI description: what the
 * route is, the schemas it takes and answers (zod, the core's alone) and the errors its handler
 * may answer. The guards' own facts (a header they need, the errors they answer) are added to it,
 * so the document (../openapi/document.ts) and the front (src/front/request-shape.ts) read one table.
 *
 * @example
 * const { verifyMfa } = ROUTES
 * routes.on(verifyMfa.method, verifyMfa.path, guarded(verifyMfa, { summary: '…', … }), handler)
 */
import { zValidator } from '@hono/zod-validator'
import type { MiddlewareHandler } from 'hono'
import { every } from 'hono/combine'
import * as z from 'zod/mini'
import { checkPathIds } from '../../shared/guards'
import { type Guard, type OperationId, ROUTES, type RouteSpec } from '../../shared/routes'
import type { AppEnv } from '../app-env'
import { requireAccessToken } from '../middleware/access-token'
import { limitClients } from '../middleware/client-limit'
import { invalidField, jsonBody, optionalBody } from '../middleware/json-body'
import { requireOperator } from '../middleware/operator'
import { limitPerUser } from '../middleware/rate-limit'
import { requireRequestedWith } from '../middleware/requested-with'
import { requireMfaEnabled, stepUp } from '../middleware/step-up'
import { requireOtherMember, requireTenant } from '../middleware/tenant'
import { requireUser } from '../middleware/user'
import { documented, factsOf, mergeFacts, type RouteDescription } from '../openapi/describe'

/** A route's description; its operationId is its key in the route table. */
export type Description<S extends z.ZodMiniType | undefined> = Omit<RouteDescription, 'operationId' | 'requestBody'> & {
  requestBody?: { schema: NonNullable<S>; optional?: boolean; example: unknown }
}

/** The variables the guards set for the handler. */
type GuardVariables<G extends Guard> = [Extract<G, { kind: 'accessToken' }>] extends [never]
  ? AppEnv
  : AppEnv & { Variables: { accessToken: string } }

/** What the `body` guard hands the handler (`c.req.valid('json')`), and a typed client sends. */
type BodyInput<R extends RouteSpec, S> =
  Extract<R['guards'][number], { kind: 'body' }> extends never
    ? object
    : S extends z.ZodMiniType
      ? { in: { json: z.input<S> }; out: { json: z.output<S> } }
      : object

function operationIdOf(route: RouteSpec): OperationId {
  const id = (Object.keys(ROUTES) as OperationId[]).find((key) => ROUTES[key] === route)
  if (!id) throw new Error(`${route.method} ${route.path} is not in the route table (src/shared/routes.ts)`)
  return id
}

/** Each path parameter a lower-case UUID, before anything else reads the request. */
const pathIdsGuard: MiddlewareHandler<AppEnv> = documented(
  async function pathIdsHandler(c, next) {
    checkPathIds(c.req.param() as Record<string, string>)
    await next()
  },
  { errors: ['invalid_request'] },
)

function guardMiddleware(
  guard: Guard,
  body: RouteDescription['requestBody'],
  query: RouteDescription['query'],
): MiddlewareHandler<AppEnv> {
  switch (guard.kind) {
    case 'pathIds':
      return pathIdsGuard
    case 'query': {
      if (!query) throw new Error('a route with the query guard describes its query')
      const shape = Object.fromEntries(
        query.map((param) => [param.name, param.required ? param.schema : z.optional(param.schema)]),
      )
      const validate = zValidator('query', z.object(shape), invalidField) as unknown as MiddlewareHandler<AppEnv>
      return documented(validate, { errors: ['invalid_request'] })
    }
    case 'tenant':
      return requireTenant(guard.role)
    case 'resettableMember':
      return requireOtherMember()
    case 'user':
      return requireUser({ cached: guard.cached ?? false })
    case 'accessToken':
      return requireAccessToken() as unknown as MiddlewareHandler<AppEnv>
    case 'requestedWith':
      return requireRequestedWith()
    case 'json':
      return jsonBody()
    case 'body': {
      if (!body) throw new Error('a route with the body guard describes its requestBody')
      const validate = zValidator('json', body.schema, invalidField) as unknown as MiddlewareHandler<AppEnv>
      return documented(body.optional ? optionalBody(validate) : validate, { errors: ['invalid_request'] })
    }
    case 'limitPerUser':
      return limitPerUser(guard.limiter)
    case 'limitClients':
      return limitClients(guard.limiter, guard.scope)
    case 'stepUp':
      return stepUp({ from: guard.from, onlyWhenMfaEnabled: guard.onlyWhenMfaEnabled ?? false })
    case 'mfaEnabled':
      return requireMfaEnabled()
    case 'operator':
      return requireOperator()
  }
}

type GuardedHandler<R extends RouteSpec, S> = MiddlewareHandler<
  GuardVariables<R['guards'][number]>,
  R['path'],
  BodyInput<R, S>
>

export function guarded<const R extends RouteSpec, S extends z.ZodMiniType | undefined = undefined>(
  route: R,
  description: Description<S>,
): GuardedHandler<R, S> {
  const guards = route.guards.map((guard) => guardMiddleware(guard, description.requestBody, description.query))
  let facts = { ...description, operationId: operationIdOf(route) } as RouteDescription
  for (const guard of guards) {
    const own = factsOf(guard)
    if (own) facts = mergeFacts(facts, own)
  }
  const run: MiddlewareHandler = guards.length === 0 ? (_c, next) => next() : every(...guards)
  return documented(run, facts) as unknown as GuardedHandler<R, S>
}
