/**
 * The emulator's state: tenants, users, which tenants each user belongs to with
 * which roles in which env, the tokens it issued them and their MFA settings,
 * kept in memory for the life of the isolate (one `wrangler dev` process, or one
 * test run): a restart forgets all but the seeded tenants' and users' ids.
 */
import { Secret } from 'otpauth'
import type { Role, User, UserAvailableEnv, UserAvailableTenant, UserInfo } from './saasus-types'

/** The envs the emulator knows, numbered as SaaSus numbers them (`Id`, an integer). */
export const ENVS = [
  { id: 1, name: 'dev', display_name: 'Development' },
  { id: 3, name: 'prod', display_name: 'Production' },
] as const satisfies readonly Omit<UserAvailableEnv, 'roles'>[]

/** One user's role names in one tenant, by env id, in env id order. */
export type EnvRoles = ReadonlyMap<number, readonly string[]>

/** A membership as the seeds and the development API give it: `roles` is shorthand for env 1's. */
export interface MembershipInput {
  roles?: string[]
  envs?: { id: number; roles: string[] }[]
}

export interface TenantMembershipInput extends MembershipInput {
  /** The tenant's id. */
  id: string
}

export interface EmulatedTenant {
  id: string
  name: string
  backOfficeStaffEmail: string
  /** Each member's roles, by user id. */
  members: Map<string, EnvRoles>
}

/** A membership the store cannot make: an unknown tenant or env, or a malformed one (the dev API's 400). */
export class MembershipRefused extends Error {}

export interface EmulatedUser {
  /** Who the user is: UserInfo but its tenants, which `userInfo()` builds from the memberships when asked. */
  info: Omit<UserInfo, 'tenants'>
  idToken: string
  accessToken: string
  mfa: {
    enabled: boolean
    /** The secret of the registered authenticator, once a code was verified. */
    registeredSecret?: string
    /** The secret handed out by the last secret-code call, until it is verified. */
    pendingSecret?: string
  }
}

export interface NewUser {
  /** A fixed id (the seeded users'); a fresh UUID otherwise. */
  id?: string
  email?: string
  sign_in_id?: string
  /** Role names in env 1 ("dev") of the seeded tenant "Emulated Tenant Inc.", unless `tenants` is given. @default ['admin'] */
  roles?: string[]
  /** The tenants the user belongs to, exactly (`[]`: none), instead of `roles`. */
  tenants?: TenantMembershipInput[]
  /** Seconds until the ID token's `exp` (tests of expiry use a few). @default 24 h */
  idTokenLifetimeSeconds?: number
}

// ID tokens live a day here so that a long `npm run dev` session keeps working.
const ID_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60

const TENANT_A = { id: '7f3c9a52-2b1e-4c6d-9e8f-0a1b2c3d4e5f', name: 'Emulated Tenant Inc.' } as const
const TENANT_B = { id: '3b9d6c1e-8a4f-4f2b-9c7d-5e6f7a8b9c0d', name: 'Second Tenant LLC' } as const

/** Role names SaaSus consoles commonly define, with display names; any other role is displayed as its name. */
const ROLE_DISPLAY_NAMES = new Map([
  ['sadmin', 'SaaS Administrator'],
  ['admin', 'Administrator'],
  ['user', 'User'],
])

/** In creation order, as are `users`: the order every list of them is answered in. */
const tenants = new Map<string, EmulatedTenant>()
const users = new Map<string, EmulatedUser>()
/** Each ID token issued, with its owner and its `exp` in epoch ms (kept, not read back from the token). */
const byIdToken = new Map<string, { user: EmulatedUser; expiresAt: number }>()
const byAccessToken = new Map<string, EmulatedUser>()

function base64url(bytes: Uint8Array | string): string {
  const raw = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes
  return btoa(String.fromCharCode(...raw))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
}

export function randomToken(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)))
}

/**
 * Issues a JWT-shaped ID token to a user: SPAs decode its payload to read `exp`.
 * Its signature part is random; the emulator recognises tokens by lookup, not by
 * signature, and keeps each one's expiry beside it.
 */
function issueIdToken(user: EmulatedUser, lifetimeSeconds = ID_TOKEN_LIFETIME_SECONDS): string {
  const now = Math.floor(Date.now() / 1000)
  const exp = now + lifetimeSeconds
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'emulator' }))
  const payload = base64url(
    JSON.stringify({
      sub: user.info.id,
      email: user.info.email,
      'cognito:username': user.info.sign_in_id || user.info.email,
      iat: now,
      exp,
      token_use: 'id',
    }),
  )
  const token = `${header}.${payload}.${randomToken()}`
  byIdToken.set(token, { user, expiresAt: exp * 1000 })
  return token
}

/**
 * A membership's roles by env, checked: envs the emulator knows, each once, role names non-empty
 * strings. Neither `roles` nor `envs`: role `user` in env 1. Depends on no state (scripts/dev.ts reads the seeds with it).
 */
export function envRoles(input: MembershipInput): EnvRoles {
  if (input.roles !== undefined && input.envs !== undefined) throw new MembershipRefused('give roles or envs, not both')
  const given = input.envs ?? [{ id: 1, roles: input.roles ?? ['user'] }]
  const envs = new Map<number, readonly string[]>()
  for (const { id, roles } of given) {
    if (!ENVS.some((env) => env.id === id)) {
      throw new MembershipRefused(`no env ${id}: one of ${ENVS.map((env) => env.id).join(', ')}`)
    }
    if (envs.has(id)) throw new MembershipRefused(`env ${id} is given twice`)
    if (!roles.every((role) => typeof role === 'string' && role !== '')) {
      throw new MembershipRefused('role names are non-empty strings')
    }
    envs.set(id, [...new Set(roles)])
  }
  return new Map([...envs].sort(([a], [b]) => a - b))
}

/** The tenants a new user asks for: `tenants` as given, else env 1 of the first seeded tenant with `roles`. */
export const requestedTenants = (input: NewUser): TenantMembershipInput[] =>
  input.tenants ?? [{ id: TENANT_A.id, roles: input.roles ?? ['admin'] }]

/** Every membership the input asks for, checked before anything is stored. */
function memberships(input: readonly TenantMembershipInput[]): [EmulatedTenant, EnvRoles][] {
  const seen = new Set<string>()
  return input.map((membership) => {
    const tenant = findTenant(membership.id)
    if (!tenant) throw new MembershipRefused(`no tenant ${membership.id}`)
    if (seen.has(tenant.id)) throw new MembershipRefused(`tenant ${tenant.id} is given twice`)
    seen.add(tenant.id)
    return [tenant, envRoles(membership)]
  })
}

/** A new user, in the tenants it asks for; throws MembershipRefused (and creates nobody) for a bad membership. */
export function createUser(input: NewUser): EmulatedUser {
  seed() // the seeded tenants and users come first, whoever asks first
  const joins = memberships(requestedTenants(input))
  const info: EmulatedUser['info'] = {
    id: input.id ?? crypto.randomUUID(),
    email: input.email ?? '',
    sign_in_id: input.sign_in_id ?? '',
    user_attribute: {},
  }
  const user: EmulatedUser = { info, idToken: '', accessToken: randomToken(), mfa: { enabled: false } }
  user.idToken = issueIdToken(user, input.idTokenLifetimeSeconds)
  users.set(info.id, user)
  byAccessToken.set(user.accessToken, user)
  for (const [tenant, envs] of joins) tenant.members.set(info.id, envs)
  return user
}

/** A new tenant with no members; a fresh UUID (lower-case) unless the seeds give one. */
export function createTenant(input: { id?: string; name?: string } = {}): EmulatedTenant {
  seed()
  const id = input.id ?? crypto.randomUUID()
  const tenant: EmulatedTenant = {
    id,
    name: input.name ?? `Tenant ${id.slice(0, 8)}`,
    backOfficeStaffEmail: 'backoffice@example.com',
    members: new Map(),
  }
  tenants.set(id, tenant)
  return tenant
}

export function findTenant(id: string): EmulatedTenant | undefined {
  seed()
  return tenants.get(id)
}

export function allTenants(): EmulatedTenant[] {
  seed()
  return [...tenants.values()]
}

/** Adds a user to a tenant, or replaces their roles there; throws MembershipRefused for a bad one. */
export function setMembership(tenant: EmulatedTenant, user: EmulatedUser, input: MembershipInput): EnvRoles {
  const envs = envRoles(input)
  tenant.members.set(user.info.id, envs)
  return envs
}

/** Takes a user out of a tenant: the roles they had there, or undefined if they were no member. */
export function removeMembership(tenant: EmulatedTenant, user: EmulatedUser): EnvRoles | undefined {
  const envs = tenant.members.get(user.info.id)
  tenant.members.delete(user.info.id)
  return envs
}

/** The tenants a user belongs to, in tenant creation order, with their roles there. */
export const membershipsOf = (user: EmulatedUser): { tenant: EmulatedTenant; envs: EnvRoles }[] =>
  allTenants().flatMap((tenant) => {
    const envs = tenant.members.get(user.info.id)
    return envs ? [{ tenant, envs }] : []
  })

/** A tenant's members, in user creation order. */
export const membersOf = (tenant: EmulatedTenant): { user: EmulatedUser; envs: EnvRoles }[] =>
  allUsers().flatMap((user) => {
    const envs = tenant.members.get(user.info.id)
    return envs ? [{ user, envs }] : []
  })

const role = (name: string): Role => ({ role_name: name, display_name: ROLE_DISPLAY_NAMES.get(name) ?? name })

/** Roles by env as the definition's `UserAvailableEnv` (which `UserEnv` is) lists them. */
function availableEnvs(envs: EnvRoles): UserAvailableEnv[] {
  return [...envs].map(([id, roles]) => {
    const env = ENVS.find((known) => known.id === id) ?? { id, name: String(id), display_name: String(id) }
    return { ...env, roles: roles.map(role) }
  })
}

/** GET /userinfo's answer, its tenants built from the memberships as they are now. */
export function userInfo(user: EmulatedUser): UserInfo {
  const tenantsOfUser = membershipsOf(user).map(
    ({ tenant, envs }): UserAvailableTenant => ({
      id: tenant.id,
      name: tenant.name,
      completed_sign_up: true,
      envs: availableEnvs(envs),
      user_attribute: {},
      back_office_staff_email: tenant.backOfficeStaffEmail,
    }),
  )
  return { ...user.info, user_attribute: { ...user.info.user_attribute }, tenants: tenantsOfUser }
}

/** GetTenantUser's answer: the definition's `User`, or undefined if the user is no member of the tenant. */
export function tenantUser(tenant: EmulatedTenant, user: EmulatedUser): User | undefined {
  const envs = tenant.members.get(user.info.id)
  if (!envs) return undefined
  const { id, email, sign_in_id } = user.info
  return {
    id,
    tenant_id: tenant.id,
    tenant_name: tenant.name,
    email,
    sign_in_id,
    attributes: {},
    envs: availableEnvs(envs),
  }
}

/** GetTenantUsers' answer: every member as a `User`, in user creation order. */
export const tenantUsers = (tenant: EmulatedTenant): User[] =>
  membersOf(tenant).flatMap(({ user }) => tenantUser(tenant, user) ?? [])

// Seeded on first use: workerd allows no random values in global scope.
let seeded = false
function seed(): void {
  if (seeded) return
  seeded = true
  for (const tenant of SEEDED_TENANTS) createTenant(tenant)
  for (const user of SEEDED_USERS) createUser(user)
}

export function findUser(id: string): EmulatedUser | undefined {
  seed()
  return users.get(id)
}

/** A user by id, e-mail or sign-in ID (the development API's lookups; SaaSus's take ids only). */
export function lookUpUser(who: string): EmulatedUser | undefined {
  return findUser(who) ?? [...users.values()].find((user) => user.info.email === who || user.info.sign_in_id === who)
}

/** The user an ID token was issued to, while the token's `exp` has not passed. */
export function findByIdToken(token: string): EmulatedUser | undefined {
  seed()
  const issued = byIdToken.get(token)
  return issued && issued.expiresAt > Date.now() ? issued.user : undefined
}

/**
 * A fresh ID token and access token for a user, as a sign-in or a refresh hands
 * out; earlier ones stay valid until they expire, as with Cognito.
 */
export function issueTokens(
  user: EmulatedUser,
  idTokenLifetimeSeconds = ID_TOKEN_LIFETIME_SECONDS,
): { id_token: string; access_token: string } {
  const tokens = { id_token: issueIdToken(user, idTokenLifetimeSeconds), access_token: randomToken() }
  byAccessToken.set(tokens.access_token, user)
  return tokens
}

export function findByAccessToken(token: string): EmulatedUser | undefined {
  seed()
  return byAccessToken.get(token)
}

export function allUsers(): EmulatedUser[] {
  seed()
  return [...users.values()]
}

/** A fresh base32 secret of 160 bits, the size RFC 4226 recommends and Cognito issues. */
export const newSecret = () => new Secret({ size: 20 }).base32

/** The tenants every emulator starts with, the same ids on every start. */
export const SEEDED_TENANTS = [TENANT_A, TENANT_B] as const

/**
 * The users every emulator starts with: the first three one of each kind an authenticator label must
 * handle, all in the first tenant (alice its admin); dave administers the second tenant, of which bob
 * is a member too. Their ids are written here, the same on every start, so that docs and logs can
 * name them; their tokens are new on every start.
 */
export const SEEDED_USERS: readonly NewUser[] = [
  { id: 'd78e0fed-a330-45e3-91a1-86ecadc1b5ba', email: 'alice@example.com', roles: ['admin'] },
  {
    id: 'd266c5fc-6028-43cb-a86e-77c8571c3494',
    email: 'bob+mfa@example.com',
    tenants: [
      { id: TENANT_A.id, roles: ['user'] },
      { id: TENANT_B.id, roles: ['user'] },
    ],
  },
  { id: 'a877bd84-f986-41fa-b4b2-c0ac1312d6e4', sign_in_id: 'carol_signin', roles: ['user'] },
  {
    id: '5c2e8f41-7b3d-4a96-b1e0-9d4c6a8f2e17',
    email: 'dave@example.com',
    tenants: [{ id: TENANT_B.id, roles: ['admin'] }],
  },
]
