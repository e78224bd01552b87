/**
 * `/openapi.json` says what the API does: every route the app serves is in it,
 * every error code in it is in the catalogue, and what the routes answer (status,
 * body, documented headers) matches it, checked with a JSON Schema validator
 * against the document's own schemas. (That it is valid OpenAPI 3.1 and passes
 * Redocly's recommended rules is checked in Node: test-node/openapi-valid.test.ts,
 * test-node/openapi-lint.test.ts; generated requests for every operation, in
 * test/contract/openapi-contract.test.ts.)
 */

import { Hono } from 'hono'
import { TOTP } from 'otpauth'
import { beforeAll, describe, expect, it } from 'vitest'
import * as z from 'zod/mini'
import committed from '../../public/openapi.json'
import { app } from '../../src/core/app'
import { requireAccessToken } from '../../src/core/middleware/access-token'
import { describeRoute } from '../../src/core/openapi/describe'
import { buildOpenApiDocument } from '../../src/core/openapi/document'
import { frontRoutes } from '../../src/core/openapi/front-routes'
import { parseFrontSettings } from '../../src/front/settings'
import { ConfigError } from '../../src/shared/config-error'
import { ERRORS } from '../../src/shared/errors'
import { PATH_ID } from '../../src/shared/routes'
import { doc, type Json, operations, readAnswer, resolve, schemaErrors } from '../contract/document'
import { apiWith, call, freshUser, type TestUser } from '../support/harness'

/** The reference page and its files: served for people, not part of the API. */
const NOT_OPERATIONS = new Set(['GET /docs', 'GET /docs.js', 'GET /docs.css'])

/** Fails unless the response's status, body and declared headers are what the document says. */
async function expectDocumented(res: Response, method: string, path: string): Promise<Json> {
  const operation = doc.paths[path]?.[method.toLowerCase()]
  expect(operation, `${method} ${path} is documented`).toBeDefined()
  const documented = operation.responses[String(res.status)]
  expect(documented, `${method} ${path} documents status ${res.status}`).toBeDefined()
  const { breaches, body } = await readAnswer(res, documented, method)
  expect(breaches, `${method} ${path} ${res.status}`).toEqual([])
  return body as Json
}

type User = Pick<TestUser, 'id_token' | 'access_token'>

function request(method: string, path: string, options: { user?: User; body?: string; headers?: Json } = {}) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' }
  if (options.user) {
    headers.Authorization = `Bearer ${options.user.id_token}`
    headers['X-Access-Token'] = options.user.access_token
  }
  Object.assign(headers, options.headers)
  return call(path, { method, headers, body: options.body ?? null })
}

describe('/openapi.json', () => {
  it('serves the committed document, generated from the schemas', async () => {
    const res = await call('/openapi.json')
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toMatch(/^application\/json/)
    expect(await res.json()).toEqual(committed)
  })

  it('is served even when the configuration is invalid, so a broken deployment still describes itself', async () => {
    const broken = apiWith({ SAASUS_SECRET_KEY: '', SAASUS_TIMEOUT_MS: 'soon', ALLOWED_ORIGINS: 'nonsense' })
    const res = await broken('/openapi.json')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual(committed)
    // The routes that need the configuration still say so.
    const status = await broken('/mfa_status')
    expect(status.status).toBe(500)
    expect(await status.json()).toMatchObject({ code: 'misconfigured' })
  })

  it('is readable from any origin: it is public and sent without credentials', async () => {
    const res = await call('/openapi.json', { headers: { Origin: 'https://evil.example' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*')
    expect(res.headers.get('Access-Control-Allow-Credentials')).toBeNull()
  })

  it('refuses to describe a route that has no description beside its handler', () => {
    const undescribed = new Hono().get('/new_route', (c) => c.text('hi'))
    expect(() => buildOpenApiDocument([...app.routes, ...undescribed.routes])).toThrow(
      'GET /new_route has no describeRoute',
    )
  })

  it('describes a route by its guards too: a guard added to a route adds its errors and headers', () => {
    const guarded = new Hono().post(
      '/new_route',
      describeRoute({ operationId: 'newRoute', summary: 'x', response: { schema: z.object({}), example: {} } }),
      requireAccessToken(),
      (c) => c.json({}),
    )
    const operation = (buildOpenApiDocument(guarded.routes) as Json).paths['/new_route'].post
    expect(operation.parameters).toEqual([{ $ref: '#/components/parameters/AccessToken' }])
    expect(operation.responses['400'].content['application/json'].schema.allOf[1].properties.code.enum).toEqual([
      'missing_access_token',
    ])
  })

  it("writes a path parameter as OpenAPI's {name}, a required path parameter", () => {
    const withParameter = new Hono().get(
      '/tenants/:tenant_id/mfa_policy',
      describeRoute({ operationId: 'policy', summary: 'x', response: { schema: z.object({}), example: {} } }),
      (c) => c.json({}),
    )
    const paths = (buildOpenApiDocument(withParameter.routes) as Json).paths
    expect(Object.keys(paths)).toEqual(['/tenants/{tenant_id}/mfa_policy'])
    // Every path parameter is a SaaSus id, which the API takes as a lower-case UUID only.
    expect(paths['/tenants/{tenant_id}/mfa_policy'].get.parameters).toEqual([
      {
        name: 'tenant_id',
        in: 'path',
        required: true,
        description: 'The SaaSus tenant id, a UUID in lower case',
        schema: { type: 'string', pattern: PATH_ID.source },
      },
    ])
  })

  it('documents every route the app serves, and only those', () => {
    const served = [...frontRoutes, ...app.routes]
      .filter((route) => route.method !== 'ALL')
      .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`)
      .filter((route) => !NOT_OPERATIONS.has(route))
    expect(new Set(operations.map(({ method, path }) => `${method} ${path}`))).toEqual(new Set(served))
  })

  it('lists only error codes of the catalogue, and the whole catalogue in the Error schema', () => {
    const catalogue = Object.keys(ERRORS)
    expect(doc.components.schemas.Error.properties.code.enum).toEqual(catalogue)
    for (const { operation } of operations) {
      for (const [status, response] of Object.entries(operation.responses as Json)) {
        if (status === '200') continue
        for (const code of response.content['application/json'].schema.allOf[1].properties.code.enum) {
          expect(catalogue).toContain(code)
          expect(ERRORS[code as keyof typeof ERRORS].status).toBe(Number(status))
        }
      }
    }
  })

  it('declares the headers errors carry, with every value they are sent with', () => {
    for (const { method, path, operation } of operations) {
      const where = `${method} ${path}`
      const { responses } = operation
      // Every 429 says when to retry, every 405 which methods the path has.
      if (responses['429']) expect(responses['429'].headers['Retry-After'].required, where).toBe(true)
      expect(responses['405'].headers.Allow, where).toMatchObject({
        required: true,
        schema: { const: expect.any(String) },
      })
      const challenge = responses['401']?.headers?.['WWW-Authenticate']
      if (!challenge) continue
      expect(schemaErrors(challenge.schema, 'Bearer error="invalid_token"'), where).toEqual([])
      const expired = 'Bearer error="invalid_token", error_description="The ID token has expired"'
      expect(schemaErrors(challenge.schema, expired), where).toEqual([])
    }
  })

  it('says where the API is: the origin it is served from', () => {
    expect(doc.servers).toEqual([{ url: '/', description: expect.any(String) }])
  })

  it('gives examples that match their own schemas', () => {
    for (const { operation } of operations) {
      for (const part of [operation.requestBody, operation.responses['200']].filter(Boolean)) {
        const { schema, example } = part.content['application/json']
        expect(schemaErrors(resolve(schema), example)).toEqual([])
      }
    }
  })
})

describe('the routes answer as documented', () => {
  it('every documented operation answers, and without a token as documented', async () => {
    for (const { method, path } of operations) {
      const res = await request(method, path, { body: method === 'POST' ? '{}' : undefined })
      // Routed: a 404 here is the route's own (webhooks_off, as webhooks are off here), never the router's.
      if (res.status === 404)
        expect(((await res.clone().json()) as { code: string }).code, `${method} ${path}`).not.toBe('not_found')
      await expectDocumented(res, method, path)
    }
  })

  it('every operation but the public document refuses a disallowed origin as documented', async () => {
    for (const { method, path } of operations.filter(({ path }) => path !== '/openapi.json')) {
      const res = await request(method, path, { headers: { Origin: 'https://evil.example' } })
      expect(res.status).toBe(403)
      await expectDocumented(res, method, path)
    }
  })

  describe('through a whole enrollment', () => {
    let user: User
    beforeAll(async () => {
      user = await freshUser({ tenants: [] })
    })

    it('answers each step with its documented success', async () => {
      await expectDocumented(await request('GET', '/mfa_status', { user }), 'GET', '/mfa_status')
      const res = await request('POST', '/mfa_enable', { user, body: '{}' })
      expect((await expectDocumented(res, 'POST', '/mfa_enable')).code).toBe('mfa_not_registered')
      const setup = await request('GET', '/mfa_setup', { user })
      const { secret } = await expectDocumented(setup, 'GET', '/mfa_setup')
      const wrong = await request('POST', '/mfa_verify', { user, body: '{"verification_code":"000000"}' })
      // One in a million: 000000 may be the current code.
      if (wrong.status !== 200)
        expect((await expectDocumented(wrong, 'POST', '/mfa_verify')).code).toBe('invalid_verification_code')
      const verification_code = new TOTP({ secret }).generate()
      const verify = await request('POST', '/mfa_verify', { user, body: JSON.stringify({ verification_code }) })
      expect(verify.status).toBe(200)
      await expectDocumented(verify, 'POST', '/mfa_verify')
      await expectDocumented(await request('POST', '/mfa_enable', { user, body: '{}' }), 'POST', '/mfa_enable')
      const status = await expectDocumented(await request('GET', '/mfa_status', { user }), 'GET', '/mfa_status')
      expect(status).toEqual({ enabled: true, method: 'softwareToken', required: false, enroll_by: null })
      await expectDocumented(await request('POST', '/mfa_disable', { user }), 'POST', '/mfa_disable')
    })

    it('answers malformed requests with documented errors', async () => {
      const cases: [string, string, Parameters<typeof request>[2], string][] = [
        ['GET', '/mfa_setup', { user, headers: { 'X-Access-Token': '' } }, 'missing_access_token'],
        ['POST', '/mfa_verify', { user, body: '{"verification_code":"12"}' }, 'invalid_request'],
        ['POST', '/mfa_verify', { user, body: '{"verification_code":' }, 'invalid_json'],
        [
          'POST',
          '/mfa_verify',
          { user, body: 'code', headers: { 'Content-Type': 'text/plain' } },
          'unsupported_media_type',
        ],
        ['GET', '/mfa_setup', { user, headers: { 'X-Access-Token': 'not-the-users-token' } }, 'invalid_access_token'],
      ]
      for (const [method, path, options, code] of cases) {
        const body = await expectDocumented(await request(method, path, options), method, path)
        expect(body.code, `${method} ${path}`).toBe(code)
      }
    })
  })
})

describe('/docs, the interactive reference', () => {
  // The front's setting: the core does not read it.
  it('is off unless SERVE_API_REFERENCE says true', () => {
    expect(parseFrontSettings({}).serveApiReference).toBe(false)
    expect(parseFrontSettings({ SERVE_API_REFERENCE: 'false' }).serveApiReference).toBe(false)
    expect(parseFrontSettings({ SERVE_API_REFERENCE: 'true' }).serveApiReference).toBe(true)
  })

  it('names SERVE_API_REFERENCE when it is neither true nor false', () => {
    expect(() => parseFrontSettings({ SERVE_API_REFERENCE: 'maybe' })).toThrow(ConfigError)
    expect(() => parseFrontSettings({ SERVE_API_REFERENCE: 'maybe' })).toThrow(/SERVE_API_REFERENCE: /)
  })

  it('is not served unless SERVE_API_REFERENCE is on', async () => {
    const res = await call('/docs')
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ code: 'not_found' })
  })

  it('is a self-contained page when SERVE_API_REFERENCE is on', async () => {
    const res = await apiWith({ SERVE_API_REFERENCE: 'true' })('/docs')
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('openapi.json')
    // Offline: nothing is loaded from another origin.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//)
  })

  it('loads only its own script and style, under a CSP that allows nothing else', async () => {
    const on = apiWith({ SERVE_API_REFERENCE: 'true' })
    const page = await on('/docs')
    expect(page.headers.get('Content-Security-Policy')).toMatch(
      /^default-src 'none'; script-src 'self'; style-src 'self'/,
    )
    for (const [path, type] of [
      ['/docs.js', 'javascript'],
      ['/docs.css', 'text/css'],
    ] as const) {
      const res = await on(path)
      expect(res.status).toBe(200)
      expect(res.headers.get('Content-Type')).toContain(type)
      expect((await call(path)).status).toBe(404)
    }
  })
})
