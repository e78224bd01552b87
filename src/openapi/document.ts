/**
 * The OpenAPI 3.1 document of this API, built from the operations table, the zod
 * schemas the routes validate with (JSON Schema 2020-12 by `z.toJSONSchema`) and
 * the error catalogue.
 *
 * `npm run gen:openapi` writes it to openapi.json, which the Worker serves, and
 * `npm run check` fails when that file is stale: building it in the Worker would
 * add `z.toJSONSchema` and this file to the bundle, 9 KiB of its 40 KiB gzip budget.
 */
import * as z from 'zod/mini'
import { ERRORS, type ErrorCode } from '../errors'
import { accessTokenHeader, errorResponse } from '../schemas'
import { COMMON_ERRORS, OPERATIONS, type Operation } from './operations'

/** The contract's version; fields are only ever added. */
const API_VERSION = '1.0.0'

type JsonObject = Record<string, unknown>

// `input`: describe what may be sent and received without `additionalProperties:
// false`, since responses only ever gain fields and clients must ignore new ones.
function jsonSchema(schema: z.ZodMiniType): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as JsonObject
  return rest
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const jsonContent = (schema: JsonObject, example: unknown) => ({ 'application/json': { schema, example } })

function errorResponses(codes: readonly ErrorCode[]): JsonObject {
  const byStatus = new Map<number, ErrorCode[]>()
  for (const code of new Set([...codes, ...COMMON_ERRORS])) {
    const status = ERRORS[code].status
    byStatus.set(status, [...(byStatus.get(status) ?? []), code])
  }
  const responses: JsonObject = {}
  for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const headers: JsonObject = {}
    for (const code of statusCodes) {
      const entry = ERRORS[code]
      const entryHeaders: Record<string, string> = 'headers' in entry ? entry.headers : {}
      for (const [name, value] of Object.entries(entryHeaders)) {
        headers[name] = { schema: { type: 'string', const: value }, description: `With \`${code}\`` }
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

function operationObject(operation: Operation): JsonObject {
  const parameters: JsonObject[] = []
  for (const param of operation.query ?? []) {
    parameters.push({
      name: param.name,
      in: 'query',
      required: param.required,
      description: param.description,
      schema: jsonSchema(param.schema),
    })
  }
  if (operation.accessToken) parameters.push({ $ref: '#/components/parameters/AccessToken' })
  if (operation.requestedWith) parameters.push({ $ref: '#/components/parameters/RequestedWith' })
  if (operation.readsRefreshCookie) parameters.push({ $ref: '#/components/parameters/RefreshCookie' })
  if (operation.bearer) {
    parameters.push({ $ref: '#/components/parameters/SaasusReferer' }, { $ref: '#/components/parameters/TraceId' })
  }
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
      ...errorResponses(operation.errors),
    },
  }
}

/** The whole document, as a JSON-ready object. */
export function buildOpenApiDocument(): JsonObject {
  const paths: Record<string, JsonObject> = {}
  for (const operation of OPERATIONS) {
    paths[operation.path] = { ...paths[operation.path], [operation.method]: operationObject(operation) }
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
    paths,
    components: {
      schemas: { Error: jsonSchema(errorResponse) },
      // Every catalogue entry, as the body it answers with.
      examples: Object.fromEntries(
        Object.entries(ERRORS).map(([code, { status, message }]) => [
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
