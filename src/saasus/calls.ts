/**
 * What the classifier knows of each SaaSus call the API makes: its operationId
 * (for logs), its name in the refusal tables, which refusals it can end in, and
 * whether a 401 from it can mean the user's token. Shared by the client and by
 * `npm run probe:saasus`, so both read SaaSus's answers the same way.
 */
import type { FailedCall } from './failure'

export const SAASUS_CALLS = {
  // The definition documents 401 for /userinfo: a bare one is the ID token.
  getUserInfo: { operation: 'GetUserInfo', call: 'userinfo', userTokenMay401: true },
  // A read of the preference has nothing a user can get wrong.
  getMfaPreference: { operation: 'GetUserMfaPreference', call: 'mfa_preference', refusals: [], userTokenMay401: false },
  updateMfaPreference: { operation: 'UpdateUserMfaPreference', call: 'mfa_preference', userTokenMay401: false },
  createSecretCode: { operation: 'CreateSecretCode', call: 'secret_code', userTokenMay401: true },
  updateSoftwareToken: { operation: 'UpdateSoftwareToken', call: 'software_token', userTokenMay401: true },
  // No 401 is documented for /credentials: one can only be our signature.
  getCredentialsByCode: {
    operation: 'GetAuthCredentials',
    call: 'credentials',
    refusals: ['login_code_refused'],
    userTokenMay401: false,
  },
  getCredentialsByRefreshToken: {
    operation: 'GetAuthCredentials',
    call: 'credentials',
    refusals: ['refresh_token_refused'],
    userTokenMay401: false,
  },
} as const satisfies Record<string, FailedCall>
