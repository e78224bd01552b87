/**
 * The OpenAPI 3.1 document of this API, read off the app's routes: each route's
 * description and the facts its middleware carry (src/core/openapi/describe.ts), the
 * zod schemas they validate with (JSON Schema 2020-12 by `z.toJSONSchema`) and
 * the error catalogue.
 *
 * `npm run generate` writes it to public/openapi.json, which is served as is,
 * and `npm run generate -- --check` fails when that file is stale: building it in the
 * Worker would add `z.toJSONSchema` and this file to the bundle.
 */
import * as z from 'zod/mini'
import { ERRORS, type ErrorCode } from '../../shared/errors'
import { EXPIRED_CHALLENGE } from '../../shared/guards'
import { allowedMethods, PATH_ID, type RouteSpec } from '../../shared/routes'
import { accessTokenHeader, errorResponse, SIX_DIGIT_CODE } from '../schemas'
import { type Facts, factsOf, mergeFacts, type RouteDescription } from './describe'

/** A route as Hono lists it in `app.routes`: one entry per handler, middleware included. */
export interface RouteEntry {
  method: string
  path: string
  handler: unknown
}

/** Every route may fail with a bug, whatever else it does. */
const ALWAYS: readonly ErrorCode[] = ['internal_error']

/** The contract's version; fields are only ever added. */
const API_VERSION = '1.0.0'

type JsonObject = Record<string, unknown>

// `input`: describe what may be sent and received without `additionalProperties:
// false`, since responses only ever gain fields and clients must ignore new ones.
function jsonSchema(schema: z.ZodMiniType): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as JsonObject
  return rest
}

/** A header as the document declares it: what it says, and the values it takes. */
interface DeclaredHeader {
  description: string
  schema: JsonObject
}

/**
 * The headers an error's answers always carry, with every value they are sent with: the
 * catalogue's own (src/shared/errors.ts) and those set where it is thrown. `allow`: the methods of
 * the operation's path, as the method check sends them.
 */
function errorHeaders(code: ErrorCode, allow: string): Record<string, DeclaredHeader> {
  switch (code) {
    case 'invalid_token':
      return {
        'WWW-Authenticate': {
          description:
            'RFC 6750 §3: the bearer challenge; with `error_description` when the ID token is a JWT whose own ' +
            '`exp` has passed (refresh rather than sign in again)',
          schema: { type: 'string', enum: [ERRORS.invalid_token.headers['WWW-Authenticate'], EXPIRED_CHALLENGE] },
        },
      }
    case 'too_many_attempts':
      return {
        'Retry-After': {
          description: 'RFC 9110 §10.2.3: seconds to wait before trying again',
          schema: { type: 'string', pattern: '^[0-9]+$' },
        },
      }
    case 'method_not_allowed':
      return {
        Allow: {
          description: "RFC 9110 §10.2.1: the path's methods (HEAD wherever GET is)",
          schema: { type: 'string', const: allow },
        },
      }
    default:
      return {}
  }
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const jsonContent = (schema: JsonObject, example: unknown) => ({ 'application/json': { schema, example } })

function errorResponses(codes: readonly ErrorCode[], allow: string): JsonObject {
  const byStatus = new Map<number, ErrorCode[]>()
  for (const code of new Set([...ALWAYS, ...codes])) {
    const status = ERRORS[code].status
    byStatus.set(status, [...(byStatus.get(status) ?? []), code])
  }
  const responses: JsonObject = {}
  for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
    // A header every code of the status carries is required; one that only some carry names them.
    const headers: JsonObject = {}
    for (const code of statusCodes) {
      const entry = ERRORS[code]
      const declared = errorHeaders(code, allow)
      for (const name of Object.keys('headers' in entry ? entry.headers : {})) {
        if (!declared[name]) throw new Error(`${code}'s ${name} header is not declared (errorHeaders)`)
      }
      for (const [name, { description, schema }] of Object.entries(declared)) {
        const carriers = statusCodes.filter((other) => name in errorHeaders(other, allow))
        headers[name] =
          carriers.length === statusCodes.length
            ? { description, required: true, schema }
            : { description: `With ${carriers.map((other) => `\`${other}\``).join(', ')}: ${description}`, schema }
      }
    }
    responses[String(status)] = {
      description: statusCodes.map((code) => `\`${code}\``).join(', '),
      ...(Object.keys(headers).length ? { headers } : {}),
      content: {
        'application/json': {
          schema: { allOf: [ref('Error'), { properties: { code: { enum: statusCodes } } }] },
          examples: Object.fromEntries(statusCodes.map((code) => [code, { $ref: `#/components/examples/${code}` }])),
        },
      },
    }
  }
  return responses
}

/** Hono's `/tenants/:tenantId` as OpenAPI's `/tenants/{tenantId}`, and the names of its parameters. */
function openApiPath(path: string): { path: string; names: string[] } {
  const names: string[] = []
  const converted = path.replace(/:(\w+)/g, (_match, name: string) => {
    names.push(name)
    return `{${name}}`
  })
  return { path: converted, names }
}

/** What each path parameter of the table names at SaaSus. */
const PATH_ID_NAMES: Record<string, string> = { tenant_id: 'tenant', user_id: 'user' }

/** One operation; `allow` is the methods of its path (its 405's `Allow`). */
function operationObject(operation: RouteDescription & RouteEntry, allow: string): JsonObject {
  // Every path parameter is a SaaSus id, checked as PATH_ID before anything else (src/shared/routes.ts).
  const parameters: JsonObject[] = openApiPath(operation.path).names.map((name) => ({
    name,
    in: 'path',
    required: true,
    description: `The SaaSus ${PATH_ID_NAMES[name] ?? 'object'} id, a UUID in lower case`,
    schema: { type: 'string', pattern: PATH_ID.source },
  }))
  for (const param of operation.query ?? []) {
    parameters.push({
      name: param.name,
      in: 'query',
      required: param.required,
      description: param.description,
      schema: jsonSchema(param.schema),
    })
  }
  for (const name of operation.parameters ?? []) parameters.push({ $ref: `#/components/parameters/${name}` })
  const responseHeaders: JsonObject = Object.fromEntries(
    Object.entries(operation.response.headers ?? {}).map(([name, value]) => [
      name,
      { schema: { type: 'string', const: value } },
    ]),
  )
  if (operation.setsRefreshCookie) responseHeaders['Set-Cookie'] = { $ref: '#/components/headers/SetRefreshCookie' }
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    security: operation.bearer ? [{ bearer: [] }] : [],
    ...(parameters.length ? { parameters } : {}),
    ...(operation.requestBody
      ? {
          requestBody: {
            required: !operation.requestBody.optional,
            content: jsonContent(jsonSchema(operation.requestBody.schema), operation.requestBody.example),
          },
        }
      : {}),
    responses: {
      '200': {
        description: 'Success',
        ...(Object.keys(responseHeaders).length ? { headers: responseHeaders } : {}),
        content: jsonContent(jsonSchema(operation.response.schema), operation.response.example),
      },
      ...errorResponses(operation.errors ?? [], allow),
    },
  }
}

/**
 * Each operation of the app, described by everything that runs for it: the
 * app-wide middleware registered before it, then its own chain. Throws for a
 * route with no `describeRoute`, so an undescribed route fails the build.
 */
export function describeOperations(routes: readonly RouteEntry[]): (RouteDescription & RouteEntry)[] {
  const operations = new Map<string, { entry: RouteEntry; facts: Facts; described: boolean }>()
  const appWide: Facts[] = []
  for (const entry of routes) {
    const facts = factsOf(entry.handler)
    if (entry.method === 'ALL') {
      if (entry.path !== '/*' && entry.path !== '*') throw new Error(`app-wide middleware on ${entry.path} is not read`)
      if (facts) appWide.push(facts)
      continue
    }
    const key = `${entry.method} ${entry.path}`
    let operation = operations.get(key)
    if (!operation) {
      operation = { entry, facts: appWide.reduce<Facts>(mergeFacts, {}), described: false }
      operations.set(key, operation)
    }
    if (facts) {
      operation.facts = mergeFacts(operation.facts, facts)
      if ('operationId' in facts) operation.described = true
    }
  }
  return [...operations.entries()].map(([key, { entry, facts, described }]) => {
    if (!described) throw new Error(`${key} has no describeRoute(…): describe it beside its handler`)
    return { ...(facts as RouteDescription), ...entry }
  })
}

/** The whole document for the app's routes (`app.routes`), as a JSON-ready object. */
export function buildOpenApiDocument(routes: readonly RouteEntry[]): JsonObject {
  const paths: Record<string, JsonObject> = {}
  const answered = new Set<ErrorCode>(ALWAYS)
  const operations = describeOperations(routes)
  // Each path's methods as the method check lists them in `Allow` (src/shared/routes.ts).
  const table: Record<string, RouteSpec> = {}
  for (const { operationId, method, path } of operations) {
    table[operationId] = { method: method as RouteSpec['method'], path, guards: [] }
  }
  const allow = allowedMethods(table)
  for (const operation of operations) {
    const method = operation.method.toLowerCase()
    const { path } = openApiPath(operation.path)
    const described = operationObject(operation, allow.get(operation.path)?.join(', ') ?? '')
    paths[path] = { ...paths[path], [method]: described }
    for (const code of operation.errors ?? []) answered.add(code)
  }
  return {
    openapi: '3.1.1',
    info: {
      title: 'saasus-mfa-edge',
      version: API_VERSION,
      summary: 'Authenticator-app (TOTP) MFA for SaaSus Platform SPAs',
      description:
        'Every error is `{"error": message, "code": code}`; switch on `code`, never on the message. ' +
        'Browsers call cross-origin with credentials from the origins in `ALLOWED_ORIGINS`.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    // Relative: the API is wherever this document is served from (its front, at /openapi.json).
    servers: [{ url: '/', description: 'The origin this document is served from' }],
    paths,
    components: {
      schemas: { Error: jsonSchema(errorResponse) },
      // Every catalogue entry an operation answers with (`not_found` is no operation's), as its body.
      examples: Object.fromEntries(
        Object.entries(ERRORS)
          .filter(([code]) => answered.has(code as ErrorCode))
          .map(([code, { status, message }]) => [
            code,
            { summary: `${status} ${code}`, value: { error: message, code } },
          ]),
      ),
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: "The user's SaaSus ID token" },
      },
      headers: {
        SetRefreshCookie: {
          description:
            '`SaaSusRefreshToken=…; Max-Age=…; Path=/refresh; HttpOnly; Secure; SameSite=…`; on logout and on a ' +
            "refused refresh, expiring ones for it and for the sample SPA's `Path=/` copy",
          schema: { type: 'string' },
        },
      },
      parameters: {
        AccessToken: {
          name: 'X-Access-Token',
          in: 'header',
          required: true,
          schema: jsonSchema(accessTokenHeader),
        },
        SaasusReferer: {
          name: 'X-SaaSus-Referer',
          in: 'header',
          required: false,
          description: "The SPA page's path; forwarded to SaaSus",
          schema: { type: 'string' },
        },
        RequestedWith: {
          name: 'X-Requested-With',
          in: 'header',
          required: true,
          description: 'Any value (the sample SPA sends XMLHttpRequest); its presence forces a CORS preflight',
          schema: { type: 'string', minLength: 1 },
        },
        RefreshCookie: {
          name: 'SaaSusRefreshToken',
          in: 'cookie',
          required: true,
          description: 'Set by /credentials; HttpOnly, so the browser sends it and scripts cannot read it',
          schema: { type: 'string' },
        },
        VerificationCode: {
          name: 'X-Verification-Code',
          in: 'header',
          required: false,
          description:
            'A current code of the authenticator (step-up); required when MFA_STEP_UP is required and MFA is on',
          schema: { type: 'string', pattern: SIX_DIGIT_CODE.source },
        },
        WebhookId: {
          name: 'webhook-id',
          in: 'header',
          required: true,
          description: 'Any id of the operator\u2019s choosing, as Standard Webhooks signs it',
          schema: { type: 'string', minLength: 1 },
        },
        WebhookTimestamp: {
          name: 'webhook-timestamp',
          in: 'header',
          required: true,
          description: 'Unix seconds; within five minutes of the API\u2019s clock',
          schema: { type: 'string', pattern: '^[0-9]+$' },
        },
        WebhookSignature: {
          name: 'webhook-signature',
          in: 'header',
          required: true,
          description:
            '`v1,` + base64 HMAC-SHA256 with SECURITY_WEBHOOK_SECRET over `id.timestamp.<METHOD> <path?query>\\n<body>` ' +
            '(docs/webhooks.md, "Dead letters"; `npm run webhooks` signs for you)',
          schema: { type: 'string' },
        },
        TraceId: {
          name: 'X-SaaSus-Trace-Id',
          in: 'header',
          required: false,
          description: 'Forwarded to SaaSus, to follow one request through its logs',
          schema: { type: 'string' },
        },
      },
    },
  }
}
