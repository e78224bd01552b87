/**
 * The OpenAPI facts of a route, kept where the route is declared. A middleware
 * that adds a fact (a header it needs, an error it may answer) carries it with
 * `documented`; a route adds its own with `describeRoute`. `npm run generate`
 * reads them off the app's routes (src/core/openapi/document.ts), so adding a route
 * or a guard is one edit. At run time `describeRoute` only passes the request on.
 */
import type { MiddlewareHandler } from 'hono'
import type * as z from 'zod/mini'
import type { ErrorCode } from '../../shared/errors'

/** Request parts described once in the document's components, referenced by name. */
export type SharedParameter =
  | 'AccessToken'
  | 'RequestedWith'
  | 'RefreshCookie'
  | 'SaasusReferer'
  | 'TraceId'
  | 'VerificationCode'
  | 'WebhookId'
  | 'WebhookTimestamp'
  | 'WebhookSignature'

/** What one middleware or handler adds to the description of every route it serves. */
export interface Facts {
  /** Needs `Authorization: Bearer <SaaSus ID token>`. */
  bearer?: boolean
  parameters?: readonly SharedParameter[]
  /** Error codes it may answer with. */
  errors?: readonly ErrorCode[]
  /** May answer with `Set-Cookie: SaaSusRefreshToken=…`. */
  setsRefreshCookie?: boolean
}

/** A route's own description: what it is, what it takes and what it answers. */
export interface RouteDescription extends Facts {
  operationId: string
  summary: string
  description?: string
  query?: readonly { name: string; required: boolean; description: string; schema: z.ZodMiniType }[]
  /** The JSON body, when it has one; `optional` when an empty body is accepted too. */
  requestBody?: { schema: z.ZodMiniType; optional?: boolean; example: unknown }
  response: { schema: z.ZodMiniType; example: unknown; headers?: Record<string, string> }
}

const FACTS = Symbol('openapi facts')

type Described = { [FACTS]?: Facts | RouteDescription }

/** Returns the middleware itself, carrying the facts it adds to every route it serves. */
// biome-ignore lint/suspicious/noExplicitAny: any Hono middleware, whatever its env and input types
export function documented<M extends MiddlewareHandler<any, any, any>>(middleware: M, facts: Facts): M {
  return Object.assign(middleware, { [FACTS]: facts })
}

/**
 * A route's description, as the first handler of its chain.
 * @example app.get('/mfa_status', describeRoute({ operationId: 'getMfaStatus', … }), requireUser(), handler)
 */
export function describeRoute(description: RouteDescription): MiddlewareHandler {
  const passOn: MiddlewareHandler = (_c, next) => next()
  return Object.assign(passOn, { [FACTS]: description })
}

/** The facts a handler carries, if any. */
export function factsOf(handler: unknown): Facts | RouteDescription | undefined {
  return typeof handler === 'function' ? (handler as Described)[FACTS] : undefined
}

/** What two handlers say of a route together: the later one's facts added to the earlier one's. */
export function mergeFacts<F extends Facts>(into: F, facts: Facts): F {
  const parameters = [...new Set([...(into.parameters ?? []), ...(facts.parameters ?? [])])]
  const errors = [...new Set([...(into.errors ?? []), ...(facts.errors ?? [])])]
  return { ...into, ...facts, bearer: into.bearer || facts.bearer, parameters, errors }
}
