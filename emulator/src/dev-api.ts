/**
 * Development-only endpoints of the emulator (never part of SaaSus): the seeded
 * users and their tokens, fresh users for tests, and a count of Auth API calls.
 * A user is named by id, e-mail or sign-in ID, so that a shell can take a token
 * without copying it: `curl -s …/_emulator/users/alice@example.com/id_token`.
 */
import { Hono } from 'hono'
import { countsFor, resetCalls, seenFor } from './calls'
import type { EmulatorEnv } from './env'
import { clearFaults, faultsSchema, getFaults, NO_FAULTS, setFaults } from './faults'
import { allUsers, createUser, type EmulatedUser, lookUpUser } from './store'

/** What `GET /users/:who/:field` answers, as plain text for `$(curl -s …)`. */
const FIELDS = {
  id: (user: EmulatedUser) => user.info.id,
  id_token: (user: EmulatedUser) => user.idToken,
  access_token: (user: EmulatedUser) => user.accessToken,
}
const NO_SUCH_USER = { error: 'no such user (give an id, an e-mail or a sign-in ID)' }

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
  }
}

export const devApi = new Hono<EmulatorEnv>()
  .get('/users', (c) => c.json(allUsers().map(describe)))
  .post('/users', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as {
      email?: unknown
      sign_in_id?: unknown
      roles?: unknown
      id_token_lifetime_seconds?: unknown
    }
    const email = typeof body.email === 'string' ? body.email : undefined
    const signInId = typeof body.sign_in_id === 'string' ? body.sign_in_id : undefined
    if (!email && !signInId) return c.json({ error: 'email or sign_in_id is required' }, 400)
    const roles = Array.isArray(body.roles) ? body.roles.filter((r): r is string => typeof r === 'string') : undefined
    const lifetime = body.id_token_lifetime_seconds
    const idTokenLifetimeSeconds = typeof lifetime === 'number' && Number.isInteger(lifetime) ? lifetime : undefined
    return c.json(describe(createUser({ email, sign_in_id: signInId, roles, idTokenLifetimeSeconds })), 201)
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
