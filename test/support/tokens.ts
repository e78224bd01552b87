/** Tokens made up by the tests. */

const base64url = (value: object) =>
  btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')

/**
 * A JWT-shaped token with this payload and a signature no one made: the API
 * may read its `exp` to refuse it sooner, but only SaaSus can accept it.
 */
export const unsignedJwt = (payload: object) => `${base64url({ alg: 'RS256' })}.${base64url(payload)}.c2lnbmF0dXJl`
