/**
 * The emulator's state: users, the tokens it issued them and their MFA
 * settings, kept in memory for the life of the isolate (one `wrangler dev`
 * process, or one test run): a restart forgets all but the seeded users' ids.
 */
import { Secret } from 'otpauth'
import type { UserInfo } from './saasus-types'

export interface EmulatedUser {
  info: UserInfo
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
  /** Role names in the seeded tenant's "dev" environment. @default ['admin'] */
  roles?: string[]
  /** Seconds until the ID token's `exp` (tests of expiry use a few). @default 24 h */
  idTokenLifetimeSeconds?: number
}

// ID tokens live a day here so that a long `npm run dev` session keeps working.
const ID_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60

const TENANT = {
  id: '7f3c9a52-2b1e-4c6d-9e8f-0a1b2c3d4e5f',
  name: 'Emulated Tenant Inc.',
}

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

export function createUser(input: NewUser): EmulatedUser {
  seed() // the seeded users come first, whoever asks first
  const info: UserInfo = {
    id: input.id ?? crypto.randomUUID(),
    email: input.email ?? '',
    sign_in_id: input.sign_in_id ?? '',
    user_attribute: {},
    tenants: [
      {
        ...TENANT,
        completed_sign_up: true,
        back_office_staff_email: 'backoffice@example.com',
        user_attribute: {},
        envs: [
          {
            id: 1,
            name: 'dev',
            display_name: 'Development',
            roles: (input.roles ?? ['admin']).map((role) => ({ role_name: role, display_name: role })),
          },
        ],
      },
    ],
  }
  const user: EmulatedUser = { info, idToken: '', accessToken: randomToken(), mfa: { enabled: false } }
  user.idToken = issueIdToken(user, input.idTokenLifetimeSeconds)
  users.set(info.id, user)
  byAccessToken.set(user.accessToken, user)
  return user
}

// Seeded on first use: workerd allows no random values in global scope.
let seeded = false
function seed(): void {
  if (seeded) return
  seeded = true
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

/**
 * The users every emulator starts with: one of each kind an authenticator label must handle. Their
 * ids are written here, the same on every start, so that docs and logs can name them; their tokens
 * are new on every start.
 */
export const SEEDED_USERS: readonly NewUser[] = [
  { id: 'd78e0fed-a330-45e3-91a1-86ecadc1b5ba', email: 'alice@example.com', roles: ['admin'] },
  { id: 'd266c5fc-6028-43cb-a86e-77c8571c3494', email: 'bob+mfa@example.com', roles: ['user'] },
  { id: 'a877bd84-f986-41fa-b4b2-c0ac1312d6e4', sign_in_id: 'carol_signin', roles: ['user'] },
]
