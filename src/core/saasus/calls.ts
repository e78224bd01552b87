/**
 * What the classifier knows of each SaaSus call the API makes: its operationId
 * (for logs), its name in the refusal tables, which refusals it can end in,
 * whether a 401 from it can mean the user's token, and what an unworded 4xx
 * means (none for the preference read and a new secret: a plain rejection). Shared by the client and by
 * `npm run probe:saasus`, so both read SaaSus's answers the same way.
 */
import type { FailedCall } from './failure'

export const SAASUS_CALLS = {
  // The definition documents 401 for /userinfo: a bare one is the ID token.
  getUserInfo: {
    operation: 'GetUserInfo',
    call: 'userinfo',
    userTokenMay401: true,
    clientError: 'id_token_refused',
  },
  // A read of the preference has nothing a user can get wrong.
  getMfaPreference: { operation: 'GetUserMfaPreference', call: 'mfa_preference', refusals: [], userTokenMay401: false },
  updateMfaPreference: {
    operation: 'UpdateUserMfaPreference',
    call: 'mfa_preference',
    userTokenMay401: false,
    clientError: 'not_registered',
  },
  createSecretCode: { operation: 'CreateSecretCode', call: 'secret_code', userTokenMay401: true },
  updateSoftwareToken: {
    operation: 'UpdateSoftwareToken',
    call: 'software_token',
    userTokenMay401: true,
    clientError: 'wrong_code',
  },
  // No 401 is documented for /credentials: one can only be our signature.
  getCredentialsByCode: {
    operation: 'GetAuthCredentials',
    call: 'credentials',
    refusals: ['login_code_refused'],
    userTokenMay401: false,
    clientError: 'login_code_refused',
  },
  getCredentialsByRefreshToken: {
    operation: 'GetAuthCredentials',
    call: 'credentials',
    refusals: ['refresh_token_refused'],
    userTokenMay401: false,
    clientError: 'refresh_token_refused',
  },
  // Asked only for a tenant SaaSus listed for the caller: any refusal is SaaSus's, not the user's.
  getTenantUsers: { operation: 'GetTenantUsers', call: 'tenant_users', refusals: [], userTokenMay401: false },
  // Asked only for a user SaaSus listed in a tenant, so it is in one at least: the same.
  getAllTenantUser: { operation: 'GetAllTenantUser', call: 'tenant_users', refusals: [], userTokenMay401: false },
} as const satisfies Record<string, FailedCall>
