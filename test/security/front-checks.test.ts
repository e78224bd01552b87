/**
 * Threat: requests that need no SaaSus (preflights, pages outside the allow-list, malformed or
 * expired credentials, oversized bodies) crossing the world to the placed core, spending its
 * time and SaaSus's, or the front answering them otherwise than the core would. The front
 * refuses them where the user is, with the core's own answer; the core still checks everything.
 */
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { FrontAppEnv } from '../../src/front/app-env'
import { requestShape } from '../../src/front/request-shape'
import { answerError } from '../../src/shared/answer'
import { ERRORS } from '../../src/shared/errors'
import { bearerToken } from '../../src/shared/guards'
import { frontChecks, ROUTES } from '../../src/shared/routes'
import { apiWith, bearer, callCore, codeOf, freshUser, SPA_ORIGIN } from '../support/harness'
import { company } from '../support/tenant'
import { unsignedJwt } from '../support/tokens'
import { newTrace, saasusCalls } from '../support/trace'

/** The API in this isolate, with every request the front forwards to the core kept. */
function watchedApi() {
  const forwarded: Request[] = []
  const api = apiWith({}, (request) => {
    forwarded.push(request)
    return undefined
  })
  return { api, forwarded }
}

const expired = unsignedJwt({ sub: 'someone', exp: Math.floor(Date.now() / 1000) - 60 })

describe('the front answers without the core', () => {
  it('a preflight from an allowed origin', async () => {
    const { api, forwarded } = watchedApi()
    const res = await api('/mfa_status', {
      method: 'OPTIONS',
      headers: { Origin: SPA_ORIGIN, 'Access-Control-Request-Method': 'GET' },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(SPA_ORIGIN)
    expect(forwarded).toHaveLength(0)
  })

  it('a request from an origin outside the list', async () => {
    const { api, forwarded } = watchedApi()
    const res = await api('/mfa_status', { headers: { Origin: 'https://evil.example' } })
    expect(res.status).toBe(403)
    expect(await codeOf(res)).toBe('origin_not_allowed')
    expect(forwarded).toHaveLength(0)
  })

  it('a missing or malformed bearer', async () => {
    const { api, forwarded } = watchedApi()
    for (const headers of [{}, { Authorization: 'Basic abc' }, { Authorization: 'Bearer a b' }] as HeadersInit[]) {
      const res = await api('/mfa_status', { headers })
      expect(res.status).toBe(401)
      expect(res.headers.get('WWW-Authenticate')).toBe('Bearer error="invalid_token"')
    }
    expect(forwarded).toHaveLength(0)
  })

  it('an expired ID token, with the challenge the core gives, and no SaaSus call', async () => {
    const { api, forwarded } = watchedApi()
    const traceId = await newTrace()
    const init = { headers: { Authorization: `Bearer ${expired}`, 'X-SaaSus-Trace-Id': traceId } }
    const atFront = await api('/mfa_status', init)
    const atCore = await callCore('/mfa_status', init)
    expect(atFront.status).toBe(401)
    expect(atFront.headers.get('WWW-Authenticate')).toBe(atCore.headers.get('WWW-Authenticate'))
    expect(await atFront.json()).toEqual(await atCore.json())
    expect(forwarded).toHaveLength(0)
    expect((await saasusCalls(traceId)).total).toBe(0)
  })

  it('an oversized body', async () => {
    const { api, forwarded } = watchedApi()
    const user = await freshUser()
    const res = await api('/mfa_enable', {
      method: 'POST',
      headers: { ...bearer(user), 'Content-Type': 'application/json' },
      body: JSON.stringify({ padding: 'x'.repeat(5_000) }),
    })
    expect(res.status).toBe(413)
    expect(await codeOf(res)).toBe('payload_too_large')
    expect(forwarded).toHaveLength(0)
  })

  it('a known path under a method it does not answer, as the core would: 405 with Allow', async () => {
    const { api, forwarded } = watchedApi()
    const user = await freshUser()
    for (const [method, path, allow] of [
      ['POST', '/mfa_status', 'GET, HEAD'],
      ['GET', '/mfa_verify', 'POST'],
      ['DELETE', '/mfa_recovery_codes', 'GET, HEAD, POST'],
      ['OPTIONS', '/mfa_enable', 'POST'],
      ['PUT', '/openapi.json', 'GET, HEAD'],
    ] as const) {
      // Before any credential is looked at: the bearer is another user's business.
      const res = await api(path, { method, headers: bearer(user) })
      expect([method, path, res.status, res.headers.get('Allow')]).toEqual([method, path, 405, allow])
      expect(await res.json()).toEqual({ error: ERRORS.method_not_allowed.message, code: 'method_not_allowed' })
      if (path === '/openapi.json') continue
      const core = await callCore(path, { method, headers: bearer(user) })
      expect([core.status, core.headers.get('Allow')]).toEqual([405, allow])
    }
    expect(forwarded).toHaveLength(0)
  })

  it('a body that is not JSON on the route that takes no bearer', async () => {
    const { api, forwarded } = watchedApi()
    const res = await api('/mfa_recover', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x' })
    expect(res.status).toBe(415)
    expect(forwarded).toHaveLength(0)
  })
})

describe('what the front forwards', () => {
  it('carries its request id and the client answer echoes it, whatever id the client sent', async () => {
    const { api, forwarded } = watchedApi()
    const user = await freshUser()
    const res = await api('/mfa_status', { headers: { ...bearer(user), 'X-Request-Id': 'chosen-by-client' } })
    expect(res.status).toBe(200)
    const id = res.headers.get('X-Request-Id')
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    expect(forwarded[0]?.headers.get('X-Request-Id')).toBe(id)
  })

  it('gets no CORS headers from the core: only the front faces browsers', async () => {
    const user = await freshUser()
    const res = await callCore('/mfa_status', { headers: { ...bearer(user), Origin: SPA_ORIGIN } })
    expect(res.status).toBe(200)
    expect([...res.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([])
  })
})

describe('a core the front cannot use', () => {
  const user = { Authorization: `Bearer ${unsignedJwt({ sub: 'someone', exp: Math.floor(Date.now() / 1000) + 600 })}` }
  const expectUnavailable = async (res: Response) => {
    expect([res.status, await res.json()]).toEqual([
      503,
      { error: 'The service could not be reached; try again', code: 'core_unavailable' },
    ])
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(SPA_ORIGIN)
  }

  it('is unreachable: the binding throws', async () => {
    const api = apiWith({}, () => {
      throw new Error('binding down')
    })
    await expectUnavailable(await api('/mfa_status', { headers: { ...user, Origin: SPA_ORIGIN } }))
  })

  it("answers in the runtime's words, not the core's JSON: the page is not passed on", async () => {
    // What `wrangler dev` answers for a core that is not running; a crashed or over-limit core's page is alike.
    const runtimePage = () => new Response('Worker "saasus-mfa-edge-core" not found.', { status: 503 })
    const res = await apiWith({}, runtimePage)('/mfa_status', { headers: { ...user, Origin: SPA_ORIGIN } })
    await expectUnavailable(res)
  })

  it("passes on the core's own server errors, which are its JSON", async () => {
    const coreError = () =>
      Response.json({ error: 'SaaSus could not be reached', code: 'upstream_unavailable' }, { status: 503 })
    const res = await apiWith({}, coreError)('/mfa_status', { headers: user })
    expect([res.status, await codeOf(res)]).toEqual([503, 'upstream_unavailable'])
  })
})

describe("the front's bearer check", () => {
  it('forwards exactly the Authorization headers the core would read a token from', async () => {
    const samples = ['Bearer abc', 'bearer abc', 'Bearer  abc', 'Bearer a.b.c==', 'Bearer ', 'Bearer a b', 'Token abc']
    for (const header of samples) {
      let coreReads = true
      try {
        bearerToken(header)
      } catch {
        coreReads = false
      }
      const { api, forwarded } = watchedApi()
      await api('/mfa_status', { headers: { Authorization: header } })
      expect({ header, forwarded: forwarded.length }).toEqual({ header, forwarded: coreReads ? 1 : 0 })
    }
  })
})

describe('the front checks every route of the table, read by the router', () => {
  it('refuses a missing X-Requested-With on a cookie route without forwarding it, as the core would', async () => {
    const { api, forwarded } = watchedApi()
    const res = await api('/logout', { method: 'POST', headers: { Origin: SPA_ORIGIN } })
    expect([res.status, await codeOf(res), forwarded.length]).toEqual([403, 'missing_requested_with', 0])
    const core = await callCore('/logout', { method: 'POST' })
    expect([core.status, await codeOf(core)]).toEqual([403, 'missing_requested_with'])
  })

  it('gives a route with a path parameter its checks like any other', async () => {
    const table = {
      getTenantPolicy: { method: 'GET', path: '/tenants/:tenantId/mfa_policy', guards: [{ kind: 'user' }] },
      putTenantPolicy: { method: 'PUT', path: '/tenants/:tenantId/mfa_policy', guards: [{ kind: 'json' }] },
    } as const
    const checks = requestShape(table)
    const answer = new Hono<FrontAppEnv>()
      .onError((error, c) => answerError(c, error))
      .use(async (c, next) => {
        c.set('body', new TextEncoder().encode('not json'))
        await next()
      })
      .route('/', checks)
      .all('*', (c) => c.text('passed'))

    const noBearer = await answer.request('/tenants/t-1/mfa_policy')
    expect([noBearer.status, await codeOf(noBearer)]).toEqual([401, 'invalid_token'])
    const expiredBearer = await answer.request('/tenants/t-2/mfa_policy', {
      headers: { Authorization: `Bearer ${expired}` },
    })
    expect(expiredBearer.headers.get('WWW-Authenticate')).toContain('expired')
    const notJson = await answer.request('/tenants/t-1/mfa_policy', {
      method: 'PUT',
      headers: { 'Content-Type': 'text/plain' },
    })
    expect([notJson.status, await codeOf(notJson)]).toEqual([415, 'unsupported_media_type'])
    // Another path is not checked; the same path under a method the table does not list is 405.
    expect(await (await answer.request('/tenants/t-1/other')).text()).toBe('passed')
    const otherMethod = await answer.request('/tenants/t-1/mfa_policy', { method: 'POST' })
    expect([otherMethod.status, await codeOf(otherMethod)]).toEqual([405, 'method_not_allowed'])
    expect(otherMethod.headers.get('Allow')).toBe('GET, HEAD, PUT')
  })

  it('stops at the first guard that needs SaaSus or a core binding', () => {
    expect(frontChecks(ROUTES.verifyMfa.guards)).toEqual(['bearer'])
    expect(frontChecks(ROUTES.recoverWithCode.guards)).toEqual(['json'])
    expect(frontChecks(ROUTES.getCredentials.guards)).toEqual(['requestedWith'])
    expect(
      frontChecks([{ kind: 'json' }, { kind: 'limitPerUser', limiter: 'MFA_CHANGE_LIMITER' }, { kind: 'json' }]),
    ).toEqual(['json'])
  })
})

describe('the tenant routes: path ids and the bearer, checked at the front', () => {
  const TENANT = '7f3c9a52-2b1e-4c6d-9e8f-0a1b2c3d4e5f'
  const USER = 'd266c5fc-6028-43cb-a86e-77c8571c3494'
  /** Each route, with its path made from a tenant id and a user id as given. */
  const ROUTES_OF = (tenantId: string, userId: string) =>
    [
      ['GET', `/tenants/${tenantId}/mfa_policy`],
      ['PUT', `/tenants/${tenantId}/mfa_policy`],
      ['GET', `/tenants/${tenantId}/mfa_members`],
      ['GET', `/tenants/${tenantId}/mfa_events`],
      ['POST', `/tenants/${tenantId}/members/${userId}/mfa_reset`],
    ] as const
  const body = (method: string) =>
    method === 'GET'
      ? {}
      : { body: JSON.stringify({ required: true }), headers: { 'Content-Type': 'application/json' } }

  /** Ids the path check refuses: upper case (another name for the same UUID), not a UUID, a path trick. */
  const MALFORMED = [
    TENANT.toUpperCase(),
    'x',
    TENANT.replaceAll('-', ''),
    `${TENANT}%2F..`,
    '%2E%2E%2Fmfa_status',
    ` ${TENANT}`,
  ]

  it.each(MALFORMED)(
    'refuses the malformed tenant id %j: 400 naming tenant_id, as the core does, nothing forwarded, nothing asked',
    async (id) => {
      const { api, forwarded } = watchedApi()
      const traceId = await newTrace()
      const user = await freshUser()
      for (const [method, path] of ROUTES_OF(encodeURI(id).replaceAll('%25', '%'), USER)) {
        const init = { method, ...body(method) }
        const headers = { ...bearer(user), ...init.headers, 'X-SaaSus-Trace-Id': traceId }
        const res = await api(path, { ...init, headers })
        const answer = [method, path, res.status, await res.json()]
        expect(answer).toEqual([
          method,
          path,
          400,
          { error: expect.any(String), code: 'invalid_request', field: 'tenant_id' },
        ])
        const core = await callCore(path, { ...init, headers })
        expect([method, path, core.status, await core.json()]).toEqual(answer)
      }
      expect(forwarded).toHaveLength(0)
      expect((await saasusCalls(traceId)).total).toBe(0)
    },
  )

  it.each(MALFORMED)(
    'refuses the malformed member id %j of a reset: 400 naming user_id, nothing forwarded, nothing asked',
    async (id) => {
      const { api, forwarded } = watchedApi()
      const traceId = await newTrace()
      const path = `/tenants/${TENANT}/members/${encodeURI(id).replaceAll('%25', '%')}/mfa_reset`
      const init = {
        method: 'POST',
        headers: { ...bearer(await freshUser()), 'Content-Type': 'application/json', 'X-SaaSus-Trace-Id': traceId },
        body: '{}',
      }
      const res = await api(path, init)
      const answer = [res.status, await res.json()]
      expect(answer).toEqual([400, { error: expect.any(String), code: 'invalid_request', field: 'user_id' }])
      const core = await callCore(path, init)
      expect([core.status, await core.json()]).toEqual(answer)
      expect(forwarded).toHaveLength(0)
      expect((await saasusCalls(traceId)).total).toBe(0)
    },
  )

  it('checks the path ids before the bearer: a malformed id without a bearer is a 400, not a 401', async () => {
    const { api, forwarded } = watchedApi()
    const res = await api(`/tenants/${TENANT.toUpperCase()}/mfa_policy`)
    expect([res.status, await codeOf(res)]).toEqual([400, 'invalid_request'])
    expect(forwarded).toHaveLength(0)
  })

  it('both ids malformed: the front and the core name the tenant, first in the path', async () => {
    const { api, forwarded } = watchedApi()
    const path = `/tenants/${TENANT.toUpperCase()}/members/${USER.toUpperCase()}/mfa_reset`
    const init = {
      method: 'POST',
      headers: { Authorization: 'Bearer x', 'Content-Type': 'application/json' },
      body: '{}',
    }
    const [atFront, atCore] = [await api(path, init), await callCore(path, init)]
    const answer = [atFront.status, await atFront.json()]
    expect(answer).toEqual([400, expect.objectContaining({ code: 'invalid_request', field: 'tenant_id' })])
    expect([atCore.status, await atCore.json()]).toEqual(answer)
    expect(forwarded).toHaveLength(0)
  })

  it('refuses a missing, malformed or expired bearer on well-formed ids without forwarding, but where a query check comes first', async () => {
    const traceId = await newTrace()
    for (const authorization of [undefined, 'Basic abc', 'Bearer a b', `Bearer ${expired}`]) {
      for (const [method, path] of ROUTES_OF(TENANT, USER)) {
        const { api, forwarded } = watchedApi()
        const headers = {
          ...(authorization ? { Authorization: authorization } : {}),
          ...body(method).headers,
          'X-SaaSus-Trace-Id': traceId,
        }
        const res = await api(path, { method, ...body(method), headers })
        const where = [authorization, method, path]
        expect([...where, res.status, await codeOf(res)]).toEqual([...where, 401, 'invalid_token'])
        expect(res.headers.get('WWW-Authenticate')).toMatch(/^Bearer error="invalid_token"/)
        // The members page checks its query before the bearer (src/shared/routes.ts), which only the
        // core can (the schema is the core's): the front forwards it, and the core refuses the bearer.
        const checkedAtFront = !path.endsWith('/mfa_members')
        expect([...where, forwarded.length]).toEqual([...where, checkedAtFront ? 0 : 1])
      }
    }
    expect((await saasusCalls(traceId)).total).toBe(0)
  })

  it('forwards well-formed ids with a well-formed bearer: the core answers, from SaaSus', async () => {
    const { tenant, admin, members } = await company()
    for (const [method, path] of ROUTES_OF(tenant.id, members[0].id)) {
      const { api, forwarded } = watchedApi()
      const res = await api(path, { method, ...body(method), headers: { ...bearer(admin), ...body(method).headers } })
      expect([method, path, res.status]).toEqual([method, path, 200])
      expect(forwarded).toHaveLength(1)
    }
    // A tenant the caller is not in is the core's to refuse: it asks SaaSus.
    const { api, forwarded } = watchedApi()
    const outsider = await freshUser({ tenants: [] })
    const res = await api(`/tenants/${tenant.id}/mfa_policy`, { headers: bearer(outsider) })
    expect([res.status, await codeOf(res), forwarded.length]).toEqual([404, 'tenant_not_found', 1])
  })

  it('has the front check ids, then the bearer, on every tenant route but the members page (its query is the core’s)', () => {
    expect(frontChecks(ROUTES.getTenantMfaPolicy.guards)).toEqual(['pathIds', 'bearer'])
    expect(frontChecks(ROUTES.setTenantMfaPolicy.guards)).toEqual(['pathIds', 'bearer'])
    expect(frontChecks(ROUTES.listTenantMfaMembers.guards)).toEqual(['pathIds'])
    expect(frontChecks(ROUTES.getTenantMfaEvents.guards)).toEqual(['pathIds', 'bearer'])
    expect(frontChecks(ROUTES.resetMemberMfa.guards)).toEqual(['pathIds', 'bearer'])
  })
})
