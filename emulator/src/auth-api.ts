/**
 * The SaaSus Auth API calls the MFA API makes, as `spec/saasus-authapi.yml`
 * defines them. A refusal a user can cause is thrown as its case and answered in
 * the call's dialect (dialects.ts); refusals no user can cause (a malformed
 * request, an unknown user id) keep the emulator's own words.
 */
import { Hono, type HonoRequest } from 'hono'
import { TOTP } from 'otpauth'
import { answerFor, type Case, verifySuccessAnswer } from './dialects'
import type { EmulatorEnv } from './env'
import { dialectOf } from './faults'
import type { MfaPreference, SaasusErrorBody, User, Users } from './saasus-types'
import { redeemLoginCode, redeemRefreshToken, SessionRefused } from './sessions'
import {
  type EmulatedTenant,
  type EmulatedUser,
  findByAccessToken,
  findByIdToken,
  findTenant,
  findUser,
  membershipsOf,
  newSecret,
  tenantUser,
  tenantUsers,
  userInfo,
} from './store'

type Fixed = SaasusErrorBody & { status: 400 | 404 | 500 }

/** A refusal: a case the dialect words, or a fixed answer of the emulator's own. */
class Refused extends Error {
  constructor(readonly refusal: Case | Fixed) {
    super(typeof refusal === 'string' ? refusal : refusal.message)
  }
}

const fixed = (status: Fixed['status'], type: string, message: string) => new Refused({ status, type, message })

function userOr500(id: string): EmulatedUser {
  const user = findUser(id)
  if (!user) throw fixed(500, 'user_not_found', 'No such user')
  return user
}

/** The definition documents only 200 and 500 for GetTenantUsers: an unknown tenant is a 500. */
function tenantOr500(id: string): EmulatedTenant {
  const tenant = findTenant(id)
  if (!tenant) throw fixed(500, 'tenant_not_found', 'No such tenant')
  return tenant
}

/** The access token must be the one issued to this user. */
function checkAccessToken(user: EmulatedUser, token: unknown): void {
  if (typeof token !== 'string' || findByAccessToken(token) !== user) throw new Refused('access_token')
}

/** The request's JSON object body (read through Hono's cache: the signature check read it first). */
async function jsonBody(request: HonoRequest): Promise<Record<string, unknown>> {
  try {
    const body: unknown = await request.json()
    if (typeof body === 'object' && body !== null) return body as Record<string, unknown>
  } catch {
    // fall through
  }
  throw fixed(400, 'invalid_parameter', 'Body must be a JSON object')
}

/** RFC 6238 as Cognito applies it: SHA-1, 6 digits, 30 s, one step either side. */
function codeMatches(secret: string, code: unknown): boolean {
  if (typeof code !== 'string' || !/^\d{6}$/.test(code)) return false
  const totp = new TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 })
  return totp.validate({ token: code, window: 1 }) !== null
}

export const authApi = new Hono<EmulatorEnv>()
  .get('/userinfo', (c) => {
    // As SaaSus does, a token past its own `exp` no longer names anyone (findByIdToken checks).
    const user = findByIdToken(c.req.query('token') ?? '')
    if (!user) throw new Refused('id_token')
    // Built now, from the memberships as they are: a role changed since sign-in shows at once.
    return c.json(userInfo(user))
  })

  // GetAllTenantUser: one user in every tenant they are in, an object per tenant; in none, the definition's 404.
  // Before the routes below, whose `:tenant_id` would take `all`.
  .get('/tenants/all/users/:user_id', (c) => {
    const user = findUser(c.req.param('user_id'))
    const users = user ? membershipsOf(user).flatMap(({ tenant }) => tenantUser(tenant, user) ?? []) : []
    if (users.length === 0) throw fixed(404, 'user_not_found', 'No such user in any tenant')
    return c.json({ users } satisfies Users)
  })

  // GetTenantUsers: every member, in the order the users were created.
  .get('/tenants/:tenant_id/users', (c) => {
    const users: Users = { users: tenantUsers(tenantOr500(c.req.param('tenant_id'))) }
    return c.json(users)
  })

  // GetTenantUser: one member; a user who is not one (or no user at all) is the definition's 404.
  .get('/tenants/:tenant_id/users/:user_id', (c) => {
    const tenant = tenantOr500(c.req.param('tenant_id'))
    const user = findUser(c.req.param('user_id'))
    const member: User | undefined = user && tenantUser(tenant, user)
    if (!member) throw fixed(404, 'user_not_found', 'No such user in this tenant')
    return c.json(member)
  })

  .get('/users/:user_id/mfa/preference', (c) => {
    const { mfa } = userOr500(c.req.param('user_id'))
    const preference: MfaPreference = mfa.enabled ? { enabled: true, method: 'softwareToken' } : { enabled: false }
    return c.json(preference)
  })

  .patch('/users/:user_id/mfa/preference', async (c) => {
    const user = userOr500(c.req.param('user_id'))
    const body = await jsonBody(c.req)
    if (typeof body.enabled !== 'boolean') throw fixed(500, 'invalid_parameter', 'enabled is required')
    if (body.enabled) {
      if (body.method !== 'softwareToken') throw fixed(500, 'invalid_parameter', 'method is required')
      if (!user.mfa.registeredSecret) throw new Refused('not_registered')
    }
    user.mfa.enabled = body.enabled
    return c.body(null, 200)
  })

  .post('/users/:user_id/mfa/software-token/secret-code', async (c) => {
    const user = userOr500(c.req.param('user_id'))
    checkAccessToken(user, (await jsonBody(c.req)).access_token)
    user.mfa.pendingSecret = newSecret()
    return c.json({ secret_code: user.mfa.pendingSecret }, 201)
  })

  .put('/users/:user_id/mfa/software-token', async (c) => {
    const user = userOr500(c.req.param('user_id'))
    const body = await jsonBody(c.req)
    checkAccessToken(user, body.access_token)
    const secret = user.mfa.pendingSecret
    if (!secret) throw new Refused('no_secret')
    if (!codeMatches(secret, body.verification_code)) throw new Refused('wrong_code')
    user.mfa.registeredSecret = secret
    delete user.mfa.pendingSecret
    const success = verifySuccessAnswer(dialectOf(c))
    return success ? c.json(success.body, success.status as 200) : c.body(null, 200)
  })

/*
 * GET /credentials: the definition documents 404 and 500 `Error` as its failures.
 * A login code that is unknown, expired or already used, and a refresh token that
 * is not (or no longer) valid, are answered in the call's dialect.
 */
authApi.get('/credentials', (c) => {
  const flow = c.req.query('auth-flow') ?? 'tempCodeAuth'
  try {
    if (flow === 'tempCodeAuth') return c.json(redeemLoginCode(c.req.query('code') ?? ''))
    if (flow === 'refreshTokenAuth') return c.json(redeemRefreshToken(c.req.query('refresh-token') ?? ''))
  } catch (error) {
    if (!(error instanceof SessionRefused)) throw error
    throw new Refused(error.reason === 'unknown_refresh_token' ? 'refresh_token' : 'login_code')
  }
  throw fixed(500, 'invalid_parameter', 'auth-flow must be tempCodeAuth or refreshTokenAuth')
})

authApi.onError((error, c) => {
  if (error instanceof Refused) {
    if (typeof error.refusal === 'string') {
      const answer = answerFor(dialectOf(c), error.refusal)
      return c.json(answer.body, answer.status as 400)
    }
    const { status, ...body } = error.refusal
    return c.json(body, status)
  }
  return c.json({ type: 'internal_server_error', message: 'Emulator error' }, 500)
})
