/**
 * The SaaSus Auth API client: plain `fetch`, signed with SAASUSSIGV1, one
 * timeout per call, answers checked against the official definition, failures
 * classified by `failure.ts`. It knows nothing about this API's HTTP responses.
 */
import type * as z from 'zod/mini'
import { SAASUS_CALLS } from './calls'
import { classifyResponse, type FailedCall, failureInSuccess, SaasusError } from './failure'
import { logFailure } from './failure-log'
import type { RefusalWords } from './refusals'
import { type AuthApiRequest, signedRequest } from './request'
import { isRetryable, retryDelayMs } from './retry'
import {
  type Credentials,
  credentialsSchema,
  type MfaPreference,
  membershipsSchema,
  mfaPreferenceSchema,
  type SoftwareTokenSecretCode,
  secretCodeSchema,
  type TenantMembership,
  type TenantUser,
  tenantUsersSchema,
  type UpdateUserMfaPreferenceParam,
  type UserInfo,
  userInfoSchema,
} from './types'

/**
 * What the client needs (src/core/config.ts reads it from the env): the only place
 * the SaaSus secrets are kept, and nothing outside src/core/saasus/ reads them.
 */
export interface SaasusSettings {
  saasId: string
  apiKey: string
  secretKey: string
  /** SAASUS_API_URL_BASE + /v1/auth, without a trailing slash. */
  authApiUrl: string
  timeoutMs: number
  /** Operator-added refusal words (SAASUS_REFUSAL_WORDS). */
  refusalWords: RefusalWords
}

/** Request headers passed on to SaaSus as the official SDKs do. */
export const FORWARDED_HEADERS = ['X-SaaSus-Referer', 'Referer', 'X-SaaSus-Trace-Id'] as const

/** One finished SaaSus call, for the request log: never its URL, body or headers. */
export interface SaasusCallRecord {
  operation: string
  status: number | 'timeout' | 'connection'
  ms: number
  /** Set on the second attempt of a retried read. */
  retry?: true
}

export interface SaasusClientOptions {
  /** Headers of the incoming request; the ones in FORWARDED_HEADERS are passed on. */
  forward?: Headers
  /** Called once per finished call (success or failure). */
  onCall?: (record: SaasusCallRecord) => void
}

interface CallSpec<T> extends FailedCall, AuthApiRequest {
  /** Response schema; omitted for calls whose success has no body. */
  schema?: z.ZodMiniType<T>
  /** A read: retried once after a short jittered pause if SaaSus gave no usable answer (retry.ts). */
  idempotent?: true
}

export type SaasusClient = ReturnType<typeof createSaasusClient>

export function createSaasusClient(settings: SaasusSettings, options: SaasusClientOptions = {}) {
  const forwarded: Record<string, string> = {}
  for (const name of FORWARDED_HEADERS) {
    const value = options.forward?.get(name)
    if (value) forwarded[name] = value
  }

  async function call<T>(spec: CallSpec<T>): Promise<T> {
    // One deadline bounds the whole call, retry included (SAASUS_TIMEOUT_MS).
    const deadline = AbortSignal.timeout(settings.timeoutMs)
    for (let retry = false; ; retry = true) {
      try {
        return await attempt(spec, deadline, retry || undefined)
      } catch (error) {
        const again = !retry && spec.idempotent === true && isRetryable(error) && !deadline.aborted
        // Every failed attempt gets its log line, the one retried included.
        if (error instanceof SaasusError) logFailure(error, again ? 'retried' : 'final')
        if (!again) throw error
        await new Promise((resolve) => setTimeout(resolve, retryDelayMs()))
      }
    }
  }

  async function attempt<T>(spec: CallSpec<T>, signal: AbortSignal, retry?: true): Promise<T> {
    const { url, init } = await signedRequest(settings.authApiUrl, settings, spec, forwarded)

    const started = Date.now()
    const record = (status: SaasusCallRecord['status']) =>
      options.onCall?.({ operation: spec.operation, status, ms: Date.now() - started, ...(retry ? { retry } : {}) })

    // One signal covers connecting, the headers and the whole body.
    let response: Response
    let text: string
    try {
      response = await fetch(url, { ...init, signal })
      text = await response.text()
    } catch {
      const timedOut = signal.aborted
      record(timedOut ? 'timeout' : 'connection')
      throw timedOut
        ? new SaasusError('timeout', spec.operation, { rule: 'timeout' })
        : new SaasusError('unavailable', spec.operation, { rule: 'no_answer', cause: 'connection' })
    }
    record(response.status)

    const traceId = response.headers.get('X-Saasus-Trace-Id') ?? undefined
    if (!response.ok) throw classifyResponse(spec, response.status, text, settings.refusalWords, traceId)
    if (!spec.schema) {
      // These calls succeed with an empty body. A 200 whose body is not even JSON
      // was garbled on the way: it confirms nothing, so it is not a success.
      if (text.trim() === '') return undefined as T
      const json = parseJson(text)
      if (json === undefined) throw malformed(spec.operation, response.status)
      // A success that says it failed (Cognito's `Status: "ERROR"`) is a failure.
      const failure = failureInSuccess(spec, response.status, json, traceId)
      if (failure) throw failure
      return undefined as T
    }
    const parsed = spec.schema.safeParse(parseJson(text))
    if (!parsed.success) throw malformed(spec.operation, response.status)
    return parsed.data
  }

  const userPath = (userId: string) => `/users/${encodeURIComponent(userId)}`

  return {
    /** `GET /userinfo?token=`: the user an ID token belongs to. */
    getUserInfo: (idToken: string): Promise<UserInfo> =>
      call({
        ...SAASUS_CALLS.getUserInfo,
        method: 'GET',
        path: '/userinfo',
        query: { token: idToken },
        schema: userInfoSchema,
        idempotent: true,
      }),

    getMfaPreference: (userId: string): Promise<MfaPreference> =>
      call({
        ...SAASUS_CALLS.getMfaPreference,
        method: 'GET',
        path: `${userPath(userId)}/mfa/preference`,
        schema: mfaPreferenceSchema,
        idempotent: true,
      }),

    updateMfaPreference: (userId: string, preference: UpdateUserMfaPreferenceParam): Promise<void> =>
      call({
        ...SAASUS_CALLS.updateMfaPreference,
        method: 'PATCH',
        path: `${userPath(userId)}/mfa/preference`,
        body: preference,
      }),

    createSecretCode: (userId: string, accessToken: string): Promise<SoftwareTokenSecretCode> =>
      call({
        ...SAASUS_CALLS.createSecretCode,
        method: 'POST',
        path: `${userPath(userId)}/mfa/software-token/secret-code`,
        body: { access_token: accessToken },
        schema: secretCodeSchema,
      }),

    updateSoftwareToken: (userId: string, accessToken: string, verificationCode: string): Promise<void> =>
      call({
        ...SAASUS_CALLS.updateSoftwareToken,
        method: 'PUT',
        path: `${userPath(userId)}/mfa/software-token`,
        body: { access_token: accessToken, verification_code: verificationCode },
      }),

    /** `GET /tenants/{tenant_id}/users` (GetTenantUsers): every user of a tenant, in one answer. */
    getTenantUsers: (tenantId: string): Promise<{ users: TenantUser[] }> =>
      call({
        ...SAASUS_CALLS.getTenantUsers,
        method: 'GET',
        path: `/tenants/${encodeURIComponent(tenantId)}/users`,
        schema: tenantUsersSchema,
        idempotent: true,
      }),

    /** `GET /tenants/all/users/{user_id}` (GetAllTenantUser): the user in each tenant they are in, with its roles. */
    getUserTenants: (userId: string): Promise<{ users: TenantMembership[] }> =>
      call({
        ...SAASUS_CALLS.getAllTenantUser,
        method: 'GET',
        path: `/tenants/all${userPath(userId)}`,
        schema: membershipsSchema,
        idempotent: true,
      }),

    /** `GET /credentials`: tokens from a one-time login code or a refresh token. */
    getCredentials: (flow: { code: string } | { refreshToken: string }): Promise<Credentials> =>
      call({
        ...('code' in flow ? SAASUS_CALLS.getCredentialsByCode : SAASUS_CALLS.getCredentialsByRefreshToken),
        method: 'GET',
        path: '/credentials',
        query:
          'code' in flow
            ? { code: flow.code, 'auth-flow': 'tempCodeAuth' }
            : { 'auth-flow': 'refreshTokenAuth', 'refresh-token': flow.refreshToken },
        schema: credentialsSchema,
      }),
  }
}

const malformed = (operation: string, status: number) =>
  new SaasusError('unavailable', operation, { status, rule: 'malformed_response', cause: 'malformed_response' })

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
