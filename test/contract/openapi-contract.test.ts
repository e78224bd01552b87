/**
 * The document and the API agree, whatever is asked. For every operation of public/openapi.json,
 * requests are generated from the document itself: bodies its request schema accepts and bodies
 * it refuses, no body, an empty one, text that is not JSON or not declared as JSON; each of its
 * parameters real, absent or garbage; a missing, garbage, expired or unknown bearer; no origin,
 * the SPA's or a foreign one; step-up off and on. Every known path is also asked with methods it
 * does not have.
 *
 * Each answer's status is one its operation documents; the headers the document must declare
 * (WWW-Authenticate, Retry-After, Allow) are declared where they are sent, present where required
 * and of their schemas; the body is of the documented schema. A body the request schema refuses is
 * refused as malformed (or by a check made before the body's), never served; one it accepts is
 * never refused as malformed. Another method on a known path is 405, `Allow` listing the path's.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { enrolledUser, freshAddress, withStepUp } from '../support/account'
import { call, freshUser, SPA_ORIGIN, type TestUser } from '../support/harness'
import { loginCode, signIn } from '../support/sign-in'
import { unsignedJwt } from '../support/tokens'
import { doc, type Json, type Operation, operations, readAnswer, resolve, schemaErrors } from './document'

/** Requests per operation, and for the wrong methods: 800 requests, a few seconds. */
const RUNS_PER_OPERATION = 50
const WRONG_METHOD_RUNS = 100

const stepUpApi = withStepUp()
/** `/mfa_recover` is limited per client address: one of this file's own. */
const ADDRESS = freshAddress()
const FOREIGN_ORIGIN = 'https://spa.example.com.evil.example'

/** Checks made before a body's, which may refuse a request whatever its body. */
const REFUSED_BEFORE_BODY = ['invalid_token', 'missing_access_token', 'origin_not_allowed', 'payload_too_large']
const MALFORMED = ['invalid_request', 'invalid_json', 'unsupported_media_type']

let users: TestUser[]
let refreshCookie: string
beforeAll(async () => {
  // MFA off twice, and one with an authenticator registered through the API and MFA on.
  users = [await freshUser(), await freshUser(), (await enrolledUser()).user]
  refreshCookie = (await signIn()).cookie
})

// ---- values from the document's schemas ----

/** Visible ASCII: what a header may carry. */
const headerText = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)),
  minLength: 1,
  maxLength: 40,
})

const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

/** A value the schema accepts (the keywords the document's request schemas use). */
function accepted(schema: Json): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]))
  if ('const' in schema) return fc.constant(schema.const)
  switch (schema.type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Json
      const known = fc.record(
        Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, accepted(property)])),
        { requiredKeys: schema.required ?? [] },
      )
      if (schema.additionalProperties === false) return known
      const extra = fc.dictionary(
        fc.string({ maxLength: 8 }).filter((name) => !(name in properties)),
        fc.jsonValue({ maxDepth: 1 }),
        { maxKeys: 2 },
      )
      return fc.tuple(extra, known).map(([more, value]) => ({ ...more, ...value }))
    }
    case 'string':
      return schema.pattern ? fc.stringMatching(new RegExp(schema.pattern, 'u')) : fc.string({ maxLength: 24 })
    case 'integer':
      return fc.integer()
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true })
    case 'boolean':
      return fc.boolean()
    case 'array':
      return fc.array(accepted(schema.items ?? {}), { maxLength: 3 })
    default:
      return fc.jsonValue({ maxDepth: 2 })
  }
}

/** A JSON value the schema refuses: another type, a required field missing, a field it refuses. */
function breaking(schema: Json): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [
    fc.constantFrom(null, 0, 'AAA', true, [], {}),
    fc.jsonValue({ maxDepth: 1 }),
  ]
  if (schema.type === 'object') {
    for (const name of (schema.required ?? []) as string[]) {
      options.push(accepted(schema).map((value) => ({ ...(value as Json), [name]: undefined })))
    }
    for (const [name, property] of Object.entries((schema.properties ?? {}) as Json)) {
      options.push(
        fc.tuple(accepted(schema), breaking(property)).map(([value, bad]) => ({ ...(value as Json), [name]: bad })),
      )
    }
  }
  if (schema.type === 'string' && schema.pattern) options.push(fc.string({ maxLength: 12 }))
  return fc.oneof(...options).filter((value) => schemaErrors(schema, roundTrip(value)).length > 0)
}

// ---- one request, as the document describes it ----

type Bearer =
  | { kind: 'user' }
  | { kind: 'none' }
  | { kind: 'expired' }
  | { kind: 'unknown' }
  | { kind: 'text'; text: string }
type Param = { kind: 'real' } | { kind: 'absent' } | { kind: 'text'; text: string }
type Body =
  | { kind: 'json'; value: unknown }
  | { kind: 'none' }
  | { kind: 'empty' }
  | { kind: 'text'; text: string; contentType: string }

interface Case {
  stepUp: boolean
  user: number
  origin: string | null
  bearer: Bearer
  params: Record<string, Param>
  body: Body
}

const bearers: fc.Arbitrary<Bearer> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'user' } as const) },
  fc.constantFrom<Bearer>({ kind: 'none' }, { kind: 'expired' }, { kind: 'unknown' }),
  fc
    .oneof(
      headerText,
      headerText.map((text) => `Bearer ${text}`),
    )
    .map((text) => ({ kind: 'text', text }) as const),
)

const origins = fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, fc.constantFrom(SPA_ORIGIN, FOREIGN_ORIGIN))

/** The operation's parameters (its own and the shared ones), references inlined. */
const parametersOf = (operation: Json): Json[] => ((operation.parameters ?? []) as unknown[]).map(resolve) as Json[]

/** The parameters whose real value is the user's, or the session's (the others are any value of their schema). */
const REAL = new Set(['X-Access-Token', 'X-Requested-With', 'SaaSusRefreshToken', 'code'])

/** A value of a parameter: real (the user's token, a live cookie, a fresh login code), absent, of its schema or garbage. */
function paramArbitrary(param: Json): fc.Arbitrary<Param> {
  const schemaValue = (param.schema?.pattern ? accepted(param.schema) : headerText) as fc.Arbitrary<string>
  const text = (arbitrary: fc.Arbitrary<string>) => arbitrary.map((value): Param => ({ kind: 'text', text: value }))
  return fc.oneof(
    { weight: 5, arbitrary: REAL.has(param.name) ? fc.constant<Param>({ kind: 'real' }) : text(schemaValue) },
    fc.constant<Param>({ kind: 'absent' }),
    text(fc.oneof(schemaValue, headerText)),
  )
}

function bodyArbitrary(operation: Json): fc.Arbitrary<Body> {
  const schema = operation.requestBody?.content?.['application/json']?.schema as Json | undefined
  if (!schema) return fc.constant({ kind: 'none' } as const)
  return fc.oneof(
    { weight: 4, arbitrary: accepted(schema).map((value) => ({ kind: 'json', value }) as const) },
    { weight: 4, arbitrary: breaking(schema).map((value) => ({ kind: 'json', value }) as const) },
    fc.constantFrom<Body>({ kind: 'none' }, { kind: 'empty' }),
    fc
      .record({
        text: fc.constantFrom('{"verification_code":', 'not json', '{}}', "{'a':1}"),
        contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8'),
      })
      .map((text) => ({ kind: 'text', ...text }) as const),
    fc
      .record({
        text: fc.constantFrom('{}', 'verification_code=123456'),
        contentType: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded'),
      })
      .map((text) => ({ kind: 'text', ...text }) as const),
  )
}

function cases(op: Operation): fc.Arbitrary<Case> {
  const params = Object.fromEntries(parametersOf(op.operation).map((param) => [param.name, paramArbitrary(param)]))
  return fc.record({
    stepUp: fc.boolean(),
    user: fc.integer({ min: 0, max: 2 }),
    origin: origins,
    bearer: op.operation.security?.length ? bearers : fc.constant({ kind: 'none' } as const),
    params: fc.record(params),
    body: bodyArbitrary(op.operation),
  })
}

const EXPIRED = unsignedJwt({ sub: 'someone', exp: Math.floor(Date.now() / 1000) - 60 })
const UNKNOWN = unsignedJwt({ sub: 'someone', exp: Math.floor(Date.now() / 1000) + 3600 })

function authorization(bearer: Bearer, user: TestUser): string | undefined {
  switch (bearer.kind) {
    case 'user':
      return `Bearer ${user.id_token}`
    case 'expired':
      return `Bearer ${EXPIRED}`
    case 'unknown':
      return `Bearer ${UNKNOWN}`
    case 'text':
      return bearer.text
    case 'none':
      return undefined
  }
}

/** The real value of a parameter, by its name in the document. */
async function realValue(param: Json, user: TestUser): Promise<string> {
  switch (param.name) {
    case 'X-Access-Token':
      return user.access_token
    case 'X-Requested-With':
      return 'XMLHttpRequest'
    case 'SaaSusRefreshToken':
      return refreshCookie.slice(refreshCookie.indexOf('=') + 1)
    case 'code':
      return loginCode(user.id)
    default:
      throw new Error(`no real value of ${param.name}`)
  }
}

async function send(op: Operation, c: Case, method = op.method): Promise<Response> {
  const user = users[c.user] as TestUser
  const headers = new Headers(op.path === '/mfa_recover' ? ADDRESS : {})
  const query = new URLSearchParams()
  const auth = authorization(c.bearer, user)
  if (auth !== undefined) headers.set('Authorization', auth)
  if (c.origin !== null) headers.set('Origin', c.origin)
  for (const param of parametersOf(op.operation)) {
    const choice = c.params[param.name] ?? { kind: 'absent' }
    if (choice.kind === 'absent') continue
    const value = choice.kind === 'real' ? await realValue(param, user) : choice.text
    if (param.in === 'header') headers.set(param.name, value)
    else if (param.in === 'cookie') headers.set('Cookie', `${param.name}=${value}`)
    else if (param.in === 'query') query.set(param.name, value)
  }
  let body: string | undefined
  if (c.body.kind === 'json') body = JSON.stringify(c.body.value)
  if (c.body.kind === 'empty') body = ''
  if (c.body.kind === 'text') body = c.body.text
  if (c.body.kind !== 'none')
    headers.set('Content-Type', c.body.kind === 'text' ? c.body.contentType : 'application/json')
  const path = op.path.replace(/\{\w+\}/g, 'x') + (query.size ? `?${query}` : '')
  const api = c.stepUp ? stepUpApi : call
  return api(path, { method, headers, ...(body === undefined ? {} : { body }) })
}

// ---- what the answers show ----

/** `status code` of every answer, per operation, for the report and the reach check. */
const seen = new Map<string, Map<string, number>>()
function record(key: string, answer: string) {
  const answers = seen.get(key) ?? new Map<string, number>()
  answers.set(answer, (answers.get(answer) ?? 0) + 1)
  seen.set(key, answers)
}

/** What the request's body should get: refused as malformed, or anything but that. */
function bodyExpectation(op: Operation, body: Body): { refusedAs: string } | { notRefused: true } | undefined {
  const requestBody = op.operation.requestBody
  if (!requestBody) return undefined
  const schema = requestBody.content['application/json'].schema
  switch (body.kind) {
    case 'none':
    case 'empty':
      return requestBody.required ? { refusedAs: 'invalid_request' } : { notRefused: true }
    case 'json':
      return schemaErrors(schema, roundTrip(body.value)).length > 0
        ? { refusedAs: 'invalid_request' }
        : { notRefused: true }
    case 'text':
      return { refusedAs: body.contentType.startsWith('application/json') ? 'invalid_json' : 'unsupported_media_type' }
  }
}

async function expectAsDocumented(op: Operation, c: Case, res: Response): Promise<void> {
  const where = `${op.method} ${op.path}`
  const documented = op.operation.responses[String(res.status)]
  const peek =
    res.status >= 400
      ? await res
          .clone()
          .json()
          .then(
            (body) => (body as Json).code,
            () => 'not JSON',
          )
      : undefined
  record(where, `${res.status}${peek ? ` ${peek}` : ''}`)
  expect(documented, `${where} answered ${res.status} ${peek ?? ''}, which it does not document`).toBeDefined()
  const { breaches, body } = await readAnswer(res, documented, op.method)
  expect(breaches, `${where} ${res.status} ${peek ?? ''}`).toEqual([])
  const code = (body as Json | undefined)?.code as string | undefined
  const expectation = bodyExpectation(op, c.body)
  const sent = JSON.stringify(c.body)
  if (expectation && 'refusedAs' in expectation) {
    expect(
      [...REFUSED_BEFORE_BODY, expectation.refusedAs],
      `${where} served or refused otherwise a body its schema refuses, ${sent}: ${res.status} ${code ?? ''}`,
    ).toContain(code)
  }
  if (expectation && 'notRefused' in expectation) {
    expect(MALFORMED, `${where} refused a body its schema accepts, ${sent}: ${code}`).not.toContain(code)
  }
}

describe.each(operations.map((op) => [`${op.method} ${op.path}`, op] as const))('%s', (_name, op) => {
  it('answers generated requests as the document says', async () => {
    await fc.assert(
      fc.asyncProperty(cases(op), async (c) => expectAsDocumented(op, c, await send(op, c))),
      // The API keeps state (attempts, limits, MFA on or off): a failure is reported as found, not shrunk.
      { numRuns: RUNS_PER_OPERATION, endOnFailure: true },
    )
  })
})

describe('every known path, under a method it does not have', () => {
  const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']
  const allowOf = (path: string) => {
    const methods = Object.keys(doc.paths[path] as Json).map((method) => method.toUpperCase())
    return methods.includes('GET') ? [...methods, 'HEAD'] : methods
  }
  const wrongMethods = fc
    .record({
      path: fc.constantFrom(...Object.keys(doc.paths as Json)),
      method: fc.constantFrom(...METHODS),
      case: fc.record({
        stepUp: fc.boolean(),
        user: fc.integer({ min: 0, max: 2 }),
        origin: origins,
        bearer: bearers,
        params: fc.constant({}),
        body: fc.oneof(fc.constant({ kind: 'none' } as const), fc.constant({ kind: 'json', value: {} } as const)),
      }),
    })
    .filter(({ path, method }) => !allowOf(path).includes(method))

  it('is 405 with the methods it has in Allow, as its operations document', async () => {
    await fc.assert(
      fc.asyncProperty(wrongMethods, async ({ path, method, case: c }) => {
        const [first] = operations.filter((op) => op.path === path) as [Operation]
        const body = method === 'GET' || method === 'HEAD' ? ({ kind: 'none' } as const) : c.body
        const res = await send({ ...first, operation: { ...first.operation, parameters: [] } }, { ...c, body }, method)
        const where = `${method} ${path}`
        record('wrong method', String(res.status))
        if (c.origin === FOREIGN_ORIGIN) {
          // The allow-list refuses a foreign page before anything else is looked at.
          expect([where, res.status]).toEqual([where, 403])
          return
        }
        expect(res.status, `${where} (the path has ${allowOf(path).join(', ')})`).toBe(405)
        const documented = first.operation.responses['405']
        expect(documented, `${path} documents no 405`).toBeDefined()
        const { breaches } = await readAnswer(res, documented, method)
        expect(breaches, where).toEqual([])
        expect(res.headers.get('Allow')?.split(', ').sort()).toEqual(allowOf(path).sort())
      }),
      { numRuns: WRONG_METHOD_RUNS, endOnFailure: true },
    )
  })
})

describe('what the generated requests reached', () => {
  const all = () => [...seen.values()].flatMap((answers) => [...answers.keys()])

  it('the answers the document had wrong: an expired token, a limit, a wrong method, a non-object body', () => {
    expect(seen.size, 'every operation was asked').toBe(operations.length + 1)
    expect(all()).toEqual(expect.arrayContaining(['200', '401 invalid_token', '405', '429 too_many_attempts']))
    for (const path of ['/mfa_enable', '/mfa_disable', '/mfa_recovery_codes']) {
      expect([...(seen.get(`POST ${path}`)?.keys() ?? [])]).toContain('400 invalid_request')
    }
  })
})

afterAll(() => {
  const total = [...seen.values()].reduce((sum, answers) => sum + [...answers.values()].reduce((a, b) => a + b, 0), 0)
  const summary = Object.fromEntries([...seen].map(([key, answers]) => [key, Object.fromEntries(answers)]))
  console.log(JSON.stringify({ event: 'openapi_contract', operations: operations.length, cases: total, summary }))
})
