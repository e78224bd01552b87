/**
 * The document and the API agree, whatever is asked. For every operation of public/openapi.json,
 * requests are generated from the document itself: bodies its request schema accepts and bodies
 * it refuses, no body, an empty one, text that is not JSON or not declared as JSON; each of its
 * parameters real, absent or garbage; a missing, garbage, expired or unknown bearer; no origin,
 * the SPA's or a foreign one; step-up off and on. Path ids (`/tenants/{tenant_id}/…`) are real
 * tenants where the caller is an admin, a member or not in it, the caller or another member, UUIDs
 * of the path's pattern nobody has, and garbage (upper case, not a UUID). Every known path is also
 * asked with methods it does not have.
 *
 * Each answer's status is one its operation documents; the headers the document must declare
 * (WWW-Authenticate, Retry-After, Allow) are declared where they are sent, present where required
 * and of their schemas; the body is of the documented schema. A body the request schema refuses is
 * refused as malformed (or by a check made before the body's), never served; one it accepts is
 * never refused as malformed. A path id off its pattern is refused first, naming it, whatever
 * else is sent; a tenant the caller is not in is not found, one they are only a member of refuses
 * its admins' operations. Another method on a known path is 405, `Allow` listing the path's.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { enrolledUser, freshAddress, withStepUp } from '../support/account'
import { bearer, call, freshUser, SPA_ORIGIN, type TestUser } from '../support/harness'
import { loginCode, signIn } from '../support/sign-in'
import { freshTenant, join, userIn } from '../support/tenant'
import { unsignedJwt } from '../support/tokens'
import { doc, type Json, type Operation, operations, pathOf, readAnswer, resolve, schemaErrors } from './document'

/** Requests per operation, and for the wrong methods: 800 requests, a few seconds. */
const RUNS_PER_OPERATION = 50
const WRONG_METHOD_RUNS = 100

const stepUpApi = withStepUp()
/** `/mfa_recover` is limited per client address: one of this file's own. */
const ADDRESS = freshAddress()
const FOREIGN_ORIGIN = 'https://spa.example.com.evil.example'

/** Checks made before a body's, which may refuse a request whatever its body. */
// The operator's signature is checked before the body it signs (webhooks off here: 404 webhooks_off).
const REFUSED_BEFORE_BODY = [
  'invalid_token',
  'missing_access_token',
  'origin_not_allowed',
  'payload_too_large',
  'invalid_operator_signature',
  'webhooks_off',
]
const MALFORMED = ['invalid_request', 'invalid_json', 'unsupported_media_type']

let users: TestUser[]
/**
 * The callers of the tenant operations, alike (MFA off twice, then on): users of their own, so that
 * their per-user change limit is not spent by the MFA operations' requests.
 */
let tenantUsers: TestUser[]
let refreshCookie: string
/** This file's tenants: the tenant users administer the first, are plain members of the second, and are not in the third. */
let tenantIds: Record<TenantRole, string>
/** A plain member of the tenant the users administer: the one they reset. */
let member: TestUser
/** A `next_cursor` of that tenant's members. */
let realCursor: string
beforeAll(async () => {
  // MFA off twice, and one with an authenticator registered through the API and MFA on.
  users = [await freshUser(), await freshUser(), (await enrolledUser()).user]
  tenantUsers = [await freshUser(), await freshUser(), (await enrolledUser()).user]
  refreshCookie = (await signIn()).cookie
  const [administered, joined, outside] = [await freshTenant(), await freshTenant(), await freshTenant()]
  for (const user of tenantUsers) {
    await join(administered, user, ['admin'])
    await join(joined, user, ['user'])
  }
  member = await userIn([administered, ['user']])
  await userIn([outside, ['admin']])
  tenantIds = { admin: administered.id, member: joined.id, outsider: outside.id }
  const page = await call(`/tenants/${administered.id}/mfa_members?limit=1`, {
    headers: bearer(tenantUsers[0] as TestUser),
  })
  realCursor = ((await page.json()) as { next_cursor: string }).next_cursor
  if (typeof realCursor !== 'string') throw new Error('the administered tenant gave no next page')
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
      return fc.integer({
        min: Math.max(schema.minimum ?? -0x80000000, -0x80000000),
        max: Math.min(schema.maximum ?? 0x7fffffff, 0x7fffffff),
      })
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
type TenantRole = 'admin' | 'member' | 'outsider'
type Param =
  | { kind: 'real' }
  | { kind: 'absent' }
  | { kind: 'text'; text: string }
  /** `tenant_id`: one of this file's tenants, by what the caller is in it. */
  | { kind: 'tenant'; role: TenantRole }
  /** `user_id`: the member the callers administer, or the caller. */
  | { kind: 'user'; who: 'member' | 'self' }
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
const REAL = new Set(['X-Access-Token', 'X-Requested-With', 'SaaSusRefreshToken', 'code', 'cursor'])

/** Whether a path parameter's value is one its pattern takes. */
const takes = (param: Json, value: string) => new RegExp(param.schema.pattern, 'u').test(value)

/**
 * A path id: a real tenant or member mostly, else an id of the pattern nobody has, else garbage:
 * upper case (another name for the same UUID, were it let through), not a UUID at all, anything
 * (a lone `.` or `..` aside, which URL parsing takes as a path step, not a parameter).
 */
function pathParamArbitrary(param: Json): fc.Arbitrary<Param> {
  const real: fc.WeightedArbitrary<Param>[] =
    param.name === 'tenant_id'
      ? [
          { weight: 5, arbitrary: fc.constant({ kind: 'tenant', role: 'admin' }) },
          { weight: 2, arbitrary: fc.constant({ kind: 'tenant', role: 'member' }) },
          { weight: 1, arbitrary: fc.constant({ kind: 'tenant', role: 'outsider' }) },
        ]
      : [
          { weight: 5, arbitrary: fc.constant({ kind: 'user', who: 'member' }) },
          { weight: 1, arbitrary: fc.constant({ kind: 'user', who: 'self' }) },
        ]
  const garbage = fc
    .oneof(
      fc.constant((param.name === 'tenant_id' ? tenantIds.admin : member.id).toUpperCase()),
      fc.uuid().map((id) => id.toUpperCase()),
      fc.uuid().map((id) => id.replaceAll('-', '')),
      fc.uuid().map((id) => `${id}/..`),
      headerText,
    )
    .filter((text) => !takes(param, text) && text !== '.' && text !== '..')
  return fc.oneof(
    ...real,
    {
      weight: 1,
      arbitrary: (accepted(param.schema) as fc.Arbitrary<string>).map((text): Param => ({ kind: 'text', text })),
    },
    { weight: param.name === 'tenant_id' ? 2 : 1, arbitrary: garbage.map((text): Param => ({ kind: 'text', text })) },
  )
}

/** A value of a parameter: real (the user's token, a live cookie, a fresh login code), absent, of its schema or garbage. */
function paramArbitrary(param: Json): fc.Arbitrary<Param> {
  if (param.in === 'path') return pathParamArbitrary(param)
  const typed = param.schema?.pattern || param.schema?.type === 'integer'
  const schemaValue = typed ? accepted(param.schema).map(String) : headerText
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
    case 'cursor':
      return realCursor
    default:
      throw new Error(`no real value of ${param.name}`)
  }
}

/** A path parameter's value; one the case does not give (a wrong method's request) is a real one. */
function pathValue(choice: Param | undefined, name: string, user: TestUser): string {
  const real: Param = name === 'tenant_id' ? { kind: 'tenant', role: 'admin' } : { kind: 'user', who: 'member' }
  const given = choice ?? real
  switch (given.kind) {
    case 'tenant':
      return tenantIds[given.role]
    case 'user':
      return given.who === 'self' ? user.id : member.id
    case 'text':
      return given.text
    default:
      throw new Error(`a path parameter cannot be ${given.kind}`)
  }
}

async function send(op: Operation, c: Case, method = op.method): Promise<Response> {
  const user = (op.path.startsWith('/tenants/') ? tenantUsers : users)[c.user] as TestUser
  const headers = new Headers(op.path === '/mfa_recover' ? ADDRESS : {})
  const query = new URLSearchParams()
  const auth = authorization(c.bearer, user)
  if (auth !== undefined) headers.set('Authorization', auth)
  if (c.origin !== null) headers.set('Origin', c.origin)
  for (const param of parametersOf(op.operation)) {
    const choice = c.params[param.name] ?? { kind: 'absent' }
    if (choice.kind === 'absent' || param.in === 'path') continue
    if (choice.kind !== 'real' && choice.kind !== 'text') throw new Error(`${param.name} cannot be ${choice.kind}`)
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
  const names = [...op.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name as string)
  const ids = Object.fromEntries(names.map((name) => [name, pathValue(c.params[name], name, user)]))
  const path = pathOf(op.path, ids) + (query.size ? `?${query}` : '')
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

/** The path parameters whose values are off their pattern, in the path's order: checked before anything else. */
function malformedPathIds(op: Operation, c: Case): string[] {
  return parametersOf(op.operation)
    .filter((param) => {
      const choice = c.params[param.name]
      return param.in === 'path' && choice?.kind === 'text' && !takes(param, choice.text)
    })
    .map((param) => param.name as string)
}

/**
 * What the caller's place in the path's tenant decides, for a request nothing before the tenant
 * check refuses (the caller's own bearer, an allowed origin, no body, a query of real values): a
 * tenant they are not in is not found, whether it exists or not; a tenant they are only a member of
 * refuses the operations that document `not_tenant_admin`.
 */
function tenantExpectation(op: Operation, c: Case): string | undefined {
  const choice = c.params.tenant_id
  if (!choice || c.bearer.kind !== 'user' || c.origin === FOREIGN_ORIGIN || op.operation.requestBody) return undefined
  if (malformedPathIds(op, c).length > 0) return undefined
  const query = parametersOf(op.operation).filter((param) => param.in === 'query')
  if (query.some((param) => c.params[param.name]?.kind === 'text')) return undefined
  if (choice.kind === 'text' || (choice.kind === 'tenant' && choice.role === 'outsider')) return 'tenant_not_found'
  const adminsOnly = JSON.stringify(op.operation.responses['403'] ?? {}).includes('not_tenant_admin')
  if (choice.kind === 'tenant' && choice.role === 'member' && adminsOnly) return 'not_tenant_admin'
  return undefined
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
  const sent = JSON.stringify(c.body)
  const badIds = malformedPathIds(op, c)
  if (badIds.length > 0) {
    // First at both Workers, before the bearer and the body: only the allow-list of origins comes before it.
    const ids = JSON.stringify(c.params)
    if (c.origin === FOREIGN_ORIGIN) {
      expect([where, ids, code]).toEqual([where, ids, 'origin_not_allowed'])
      return
    }
    // Named: the first malformed one, in the path's order.
    const named = [where, ids, res.status, code, (body as Json).field]
    expect(named).toEqual([where, ids, 400, 'invalid_request', badIds[0]])
    return
  }
  const byTenant = tenantExpectation(op, c)
  if (byTenant !== undefined) {
    expect([where, JSON.stringify(c.params), code]).toEqual([where, JSON.stringify(c.params), byTenant])
  }
  const expectation = bodyExpectation(op, c.body)
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

  it("the tenant operations' answers: served, refused by the path's id, the caller's place in the tenant, the member", () => {
    const tenantOps = [...seen].filter(([key]) => key.includes('/tenants/'))
    expect(tenantOps).toHaveLength(5)
    const reached = tenantOps.flatMap(([, answers]) => [...answers.keys()])
    expect(reached).toEqual(
      expect.arrayContaining(['200', '400 invalid_request', '404 tenant_not_found', '403 not_tenant_admin']),
    )
    expect([...(seen.get('GET /tenants/{tenant_id}/mfa_policy')?.keys() ?? [])]).toContain('200')
    // A reset got past the tenant check: done, or refused for its member.
    const resets = [...(seen.get('POST /tenants/{tenant_id}/members/{user_id}/mfa_reset')?.keys() ?? [])]
    expect(resets.some((answer) => ['200', '404 member_not_found', '409 own_mfa_reset'].includes(answer))).toBe(true)
  })

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
