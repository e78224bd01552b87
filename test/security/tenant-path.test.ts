/**
 * Threat: a path that names another tenant's object, or another member, by a trick of its
 * spelling: an upper-case UUID (a second name for one tenant, so a second object), `..` and its
 * encodings, an encoded slash, a padded or overlong id. The tenant's object is named by the path's
 * id (src/core/tenant/objects.ts), so each must be refused before anything reads it: `400
 * invalid_request` naming `tenant_id` or `user_id`, or `404 not_found` when the path no longer
 * matches a route. The front refuses the malformed ids itself, the core does again on its own, and
 * neither asks SaaSus anything nor reaches an object.
 *
 * The caller is the admin of the tenant the id spells, so that any trick getting through would be
 * answered from that tenant's object rather than refused as a stranger's.
 */
import { env } from 'cloudflare:workers'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { app } from '../../src/core/app'
import { ERRORS } from '../../src/shared/errors'
import { API, apiWith, bearer, call, type TestUser } from '../support/harness'
import { company } from '../support/tenant'
import { newTrace, saasusCalls } from '../support/trace'

let admin: TestUser
/** The admin's tenant, and another tenant's id (which the admin is not in). */
let own: string
let other: string
let member: string

beforeAll(async () => {
  const A = await company()
  const B = await company()
  admin = A.admin
  own = A.tenant.id
  other = B.tenant.id
  member = A.members[0].id
})

afterEach(() => {
  vi.restoreAllMocks()
})

type Method = 'GET' | 'PUT' | 'POST'
interface Trick {
  name: string
  method: Method
  path: () => string
  /** The refusal: the path parameter named, or `not_found` when no route matches any more. */
  refused: 'tenant_id' | 'user_id' | 'not_found'
}

const policy = (id: string) => `/tenants/${id}/mfa_policy`
const reset = (tenantId: string, userId: string) => `/tenants/${tenantId}/members/${userId}/mfa_reset`

const TRICKS: Trick[] = [
  { name: 'an upper-case tenant id', method: 'GET', path: () => policy(own.toUpperCase()), refused: 'tenant_id' },
  {
    name: 'an upper-case tenant id, on a change',
    method: 'PUT',
    path: () => policy(own.toUpperCase()),
    refused: 'tenant_id',
  },
  {
    name: 'a tenant id of mixed case',
    method: 'GET',
    path: () => policy(own.replace(/[a-f]/, (c) => c.toUpperCase())),
    refused: 'tenant_id',
  },
  { name: '..', method: 'GET', path: () => '/tenants/../mfa_policy', refused: 'not_found' },
  { name: '%2e%2e', method: 'GET', path: () => '/tenants/%2e%2e/mfa_policy', refused: 'not_found' },
  { name: '.. after the id', method: 'GET', path: () => `/tenants/${own}/../mfa_policy`, refused: 'not_found' },
  {
    name: '%2e%2e%2f inside the id',
    method: 'GET',
    path: () => policy(`${own}%2f%2e%2e%2f${other}`),
    refused: 'tenant_id',
  },
  { name: 'a double-encoded ..', method: 'GET', path: () => policy('%252e%252e'), refused: 'tenant_id' },
  { name: '%2F inside the id', method: 'GET', path: () => policy(`${own}%2F${other}`), refused: 'tenant_id' },
  {
    name: '%2F for the slash after the id',
    method: 'GET',
    path: () => `/tenants/${own}%2Fmfa_policy`,
    refused: 'not_found',
  },
  { name: 'a trailing %20', method: 'GET', path: () => policy(`${own}%20`), refused: 'tenant_id' },
  { name: 'a trailing space', method: 'GET', path: () => policy(`${own} `), refused: 'tenant_id' },
  { name: 'a leading %20', method: 'GET', path: () => policy(`%20${own}`), refused: 'tenant_id' },
  { name: 'a NUL after the id', method: 'GET', path: () => policy(`${own}%00`), refused: 'tenant_id' },
  { name: 'a too-long id', method: 'GET', path: () => policy(`${own}${'0'.repeat(2_000)}`), refused: 'tenant_id' },
  { name: 'a UUID without hyphens', method: 'GET', path: () => policy(own.replace(/-/g, '')), refused: 'tenant_id' },
  {
    name: 'a too-long id, on the members',
    method: 'GET',
    path: () => `/tenants/${'f'.repeat(300)}/mfa_members`,
    refused: 'tenant_id',
  },
  { name: 'a trailing slash', method: 'GET', path: () => `${policy(own)}/`, refused: 'not_found' },
  { name: 'a non-UUID user id', method: 'POST', path: () => reset(own, 'bob'), refused: 'user_id' },
  { name: 'an upper-case user id', method: 'POST', path: () => reset(own, member.toUpperCase()), refused: 'user_id' },
  { name: '%2F inside the user id', method: 'POST', path: () => reset(own, `..%2F..%2F${member}`), refused: 'user_id' },
  { name: 'a trailing %20 on the user id', method: 'POST', path: () => reset(own, `${member}%20`), refused: 'user_id' },
  { name: '.. for the user id', method: 'POST', path: () => reset(own, '..'), refused: 'not_found' },
]

/** The request of a trick, as the admin sends it, under its own trace. */
function init(method: Method, traceId: string, caller: TestUser = admin): RequestInit {
  const headers = { ...bearer(caller), 'X-SaaSus-Trace-Id': traceId, 'Content-Type': 'application/json' }
  return method === 'GET' ? { headers } : { method, headers, body: JSON.stringify({ required: true }) }
}

const expectRefused = async (trick: Trick, res: Response) => {
  const body = await res.json()
  if (trick.refused === 'not_found') {
    expect([res.status, body]).toEqual([404, { error: ERRORS.not_found.message, code: 'not_found' }])
  } else {
    expect([res.status, body]).toMatchObject([400, { code: 'invalid_request', field: trick.refused }])
  }
}

/** The core's log lines for requests: what it asked SaaSus and how many storage round trips it made. */
const requestLines = (spy: { mock: { calls: unknown[][] } }) =>
  spy.mock.calls
    .map(([line]) => (typeof line === 'string' && line.startsWith('{') ? JSON.parse(line) : null))
    .filter((line) => line?.event === 'request')

describe('a path trick', () => {
  it.each(TRICKS.map((trick) => [trick.name, trick] as const))('%s: refused, no SaaSus call', async (_, trick) => {
    const traceId = await newTrace()
    await expectRefused(trick, await call(trick.path(), init(trick.method, traceId)))
    expect((await saasusCalls(traceId)).total).toBe(0)
  })

  it.each(TRICKS.filter((trick) => trick.refused !== 'not_found').map((trick) => [trick.name, trick] as const))(
    '%s: refused by the front, never forwarded to the core',
    async (_, trick) => {
      const forwarded: string[] = []
      const api = apiWith({}, (request) => {
        forwarded.push(request.url)
        return undefined
      })
      const traceId = await newTrace()
      await expectRefused(trick, await api(trick.path(), init(trick.method, traceId)))
      expect(forwarded).toEqual([])
      expect((await saasusCalls(traceId)).total).toBe(0)
    },
  )

  it.each(TRICKS.map((trick) => [trick.name, trick] as const))(
    '%s: refused by the core alone, before SaaSus or any object',
    async (_, trick) => {
      const logged = vi.spyOn(console, 'log')
      const traceId = await newTrace()
      await expectRefused(
        trick,
        await app.fetch(new Request(`${API}${trick.path()}`, init(trick.method, traceId)), env),
      )
      expect((await saasusCalls(traceId)).total).toBe(0)
      expect(requestLines(logged)).toEqual([expect.objectContaining({ upstream: [], storage: 0 })])
    },
  )
})

describe('both ids malformed', () => {
  it('the front and the core refuse alike, naming one of them, with no SaaSus call', async () => {
    const path = reset(own.toUpperCase(), 'bob')
    const frontTrace = await newTrace()
    const atFront = await call(path, { method: 'POST', headers: { ...bearer(admin), 'X-SaaSus-Trace-Id': frontTrace } })
    const coreTrace = await newTrace()
    const atCore = await app.fetch(
      new Request(`${API}${path}`, { method: 'POST', headers: { ...bearer(admin), 'X-SaaSus-Trace-Id': coreTrace } }),
      env,
    )
    const body = (await atFront.json()) as { code: string; field: string }
    expect([atFront.status, body.code]).toEqual([400, 'invalid_request'])
    expect(['tenant_id', 'user_id']).toContain(body.field)
    expect([atCore.status, await atCore.json()]).toEqual([400, body])
    expect((await saasusCalls(frontTrace)).total + (await saasusCalls(coreTrace)).total).toBe(0)
  })
})

describe('the same requests, well-formed', () => {
  it('reach the tenant: the tricks above are refused for their spelling alone', async () => {
    // A company of its own: whatever the tricks above spent of their admin's limits is not this one's.
    const { tenant, admin: itsAdmin, members } = await company()
    for (const [method, path] of [
      ['GET', policy(tenant.id)],
      ['PUT', policy(tenant.id)],
      ['POST', reset(tenant.id, members[0].id)],
    ] as const) {
      const res = await call(path, init(method, await newTrace(), itsAdmin))
      expect({ method, status: res.status }).toEqual({ method, status: 200 })
    }
  })
})
