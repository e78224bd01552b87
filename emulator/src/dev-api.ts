/**
 * Development-only endpoints of the emulator (never part of SaaSus): the seeded
 * users and their tokens, fresh users and tenants for tests, who belongs to which
 * tenant with which roles, and a count of Auth API calls. A user is named by id,
 * e-mail or sign-in ID, so that a shell can take a token without copying it:
 * `curl -s …/_emulator/users/alice@example.com/id_token`.
 */
import { Hono } from 'hono'
import { z } from 'zod'
import { countsFor, resetCalls, seenFor } from './calls'
import type { EmulatorEnv } from './env'
import { clearFaults, faultsSchema, getFaults, NO_FAULTS, setFaults } from './faults'
import {
  allTenants,
  allUsers,
  createTenant,
  createUser,
  type EmulatedTenant,
  type EmulatedUser,
  type EnvRoles,
  findTenant,
  lookUpUser,
  MembershipRefused,
  membershipsOf,
  membersOf,
  removeMembership,
  setMembership,
} from './store'

/** What `GET /users/:who/:field` answers, as plain text for `$(curl -s …)`. */
const FIELDS = {
  id: (user: EmulatedUser) => user.info.id,
  id_token: (user: EmulatedUser) => user.idToken,
  access_token: (user: EmulatedUser) => user.accessToken,
}
const NO_SUCH_USER = { error: 'no such user (give an id, an e-mail or a sign-in ID)' }
const NO_SUCH_TENANT = { error: 'no such tenant (give its id)' }

/** Roles by env as the development API shows them: `[{id, roles}]`, in env id order. */
const envsOf = (envs: EnvRoles) => [...envs].map(([id, roles]) => ({ id, roles: [...roles] }))

function describe(user: EmulatedUser) {
  return {
    id: user.info.id,
    email: user.info.email,
    sign_in_id: user.info.sign_in_id,
    id_token: user.idToken,
    access_token: user.accessToken,
    mfa: {
      enabled: user.mfa.enabled,
      registered: user.mfa.registeredSecret !== undefined,
      pending: user.mfa.pendingSecret !== undefined,
    },
    tenants: membershipsOf(user).map(({ tenant, envs }) => ({ id: tenant.id, name: tenant.name, envs: envsOf(envs) })),
  }
}

const describeTenant = (tenant: EmulatedTenant) => ({
  id: tenant.id,
  name: tenant.name,
  members: membersOf(tenant).map(({ user, envs }) => ({ user_id: user.info.id, envs: envsOf(envs) })),
})

const membership = (tenant: EmulatedTenant, user: EmulatedUser, envs: EnvRoles) => ({
  tenant_id: tenant.id,
  user_id: user.info.id,
  envs: envsOf(envs),
})

/** A membership's body: `roles` (env 1's) or `envs`; the store checks the envs and the rest. */
const membershipSchema = z.object({
  roles: z.array(z.string().min(1)).optional(),
  envs: z.array(z.object({ id: z.number().int(), roles: z.array(z.string().min(1)) })).optional(),
})
const tenantsSchema = z.array(membershipSchema.extend({ id: z.string().min(1) })).optional()

/** The JSON object body of a request; an absent or unreadable one reads as `{}`. */
const bodyOf = async (request: { json: () => Promise<unknown> }): Promise<Record<string, unknown>> => {
  const body = await request.json().catch(() => ({}))
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {}
}

export const devApi = new Hono<EmulatorEnv>()
  .get('/users', (c) => c.json(allUsers().map(describe)))
  .post('/users', async (c) => {
    const body = (await bodyOf(c.req)) as {
      email?: unknown
      sign_in_id?: unknown
      roles?: unknown
      tenants?: unknown
      id_token_lifetime_seconds?: unknown
    }
    const email = typeof body.email === 'string' ? body.email : undefined
    const signInId = typeof body.sign_in_id === 'string' ? body.sign_in_id : undefined
    if (!email && !signInId) return c.json({ error: 'email or sign_in_id is required' }, 400)
    const roles = Array.isArray(body.roles) ? body.roles.filter((r): r is string => typeof r === 'string') : undefined
    const tenants = tenantsSchema.safeParse(body.tenants)
    if (!tenants.success) return c.json({ error: 'invalid tenants', issues: tenants.error.issues }, 400)
    // `roles` is shorthand for a membership of the first seeded tenant: beside `tenants` it would be ignored.
    if (roles && tenants.data) return c.json({ error: 'give roles or tenants, not both' }, 400)
    const lifetime = body.id_token_lifetime_seconds
    const idTokenLifetimeSeconds = typeof lifetime === 'number' && Number.isInteger(lifetime) ? lifetime : undefined
    try {
      const user = createUser({ email, sign_in_id: signInId, roles, tenants: tenants.data, idTokenLifetimeSeconds })
      return c.json(describe(user), 201)
    } catch (error) {
      if (error instanceof MembershipRefused) return c.json({ error: error.message }, 400)
      throw error
    }
  })
  .get('/users/:who', (c) => {
    const user = lookUpUser(c.req.param('who'))
    return user ? c.json(describe(user)) : c.json(NO_SUCH_USER, 404)
  })
  .get('/users/:who/:field', (c) => {
    const user = lookUpUser(c.req.param('who'))
    const field = c.req.param('field')
    if (!user) return c.json(NO_SUCH_USER, 404)
    if (!Object.hasOwn(FIELDS, field)) {
      return c.json({ error: `no such field: one of ${Object.keys(FIELDS).join(', ')}` }, 404)
    }
    return c.text(FIELDS[field as keyof typeof FIELDS](user))
  })
  .get('/tenants', (c) => c.json(allTenants().map(describeTenant)))
  .post('/tenants', async (c) => {
    const { name } = await bodyOf(c.req)
    if (name !== undefined && (typeof name !== 'string' || name === '')) {
      return c.json({ error: 'name must be a non-empty string' }, 400)
    }
    const tenant = createTenant({ name: name as string | undefined })
    return c.json({ id: tenant.id, name: tenant.name }, 201)
  })
  .get('/tenants/:tenant_id', (c) => {
    const tenant = findTenant(c.req.param('tenant_id'))
    return tenant ? c.json(describeTenant(tenant)) : c.json(NO_SUCH_TENANT, 404)
  })
  .put('/tenants/:tenant_id/members/:who', async (c) => {
    // The body first, whatever the answer: workerd faults a request whose body is unread once answered.
    const parsed = membershipSchema.safeParse(await bodyOf(c.req))
    const tenant = findTenant(c.req.param('tenant_id'))
    const user = lookUpUser(c.req.param('who'))
    if (!tenant) return c.json(NO_SUCH_TENANT, 404)
    if (!user) return c.json(NO_SUCH_USER, 404)
    if (!parsed.success) return c.json({ error: 'invalid membership', issues: parsed.error.issues }, 400)
    try {
      return c.json(membership(tenant, user, setMembership(tenant, user, parsed.data)))
    } catch (error) {
      if (error instanceof MembershipRefused) return c.json({ error: error.message }, 400)
      throw error
    }
  })
  .delete('/tenants/:tenant_id/members/:who', (c) => {
    const tenant = findTenant(c.req.param('tenant_id'))
    const user = lookUpUser(c.req.param('who'))
    if (!tenant) return c.json(NO_SUCH_TENANT, 404)
    if (!user) return c.json(NO_SUCH_USER, 404)
    const removed = removeMembership(tenant, user)
    return removed ? c.json(membership(tenant, user, removed)) : c.json({ error: 'not a member of this tenant' }, 404)
  })
  .get('/faults', (c) => c.json(getFaults(c.req.query('traceId'))))
  .put('/faults', async (c) => {
    const parsed = faultsSchema.safeParse(await c.req.json().catch(() => null))
    if (!parsed.success) return c.json({ error: 'invalid faults', issues: parsed.error.issues }, 400)
    setFaults(parsed.data, c.req.query('traceId'))
    return c.json(parsed.data)
  })
  .delete('/faults', (c) => {
    clearFaults()
    return c.json(NO_FAULTS)
  })
  // Where the demo page (emulator/demo, served at /) finds the API.
  .get('/demo-config', (c) => c.json({ apiUrl: c.env.DEMO_API_URL || 'http://127.0.0.1:8787' }))
  .get('/traces/:traceId', (c) => c.json(seenFor(c.req.param('traceId'))))
  .get('/calls', (c) => c.json(countsFor(c.req.query('traceId'))))
  .post('/calls/reset', (c) => c.json(resetCalls()))
