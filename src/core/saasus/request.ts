/**
 * One Auth API request as SaaSus expects it: the URL under `/v1/auth` with its
 * query, the body as JSON, and the SAASUSSIGV1 `Authorization` over exactly that
 * URL and body. Shared by the client and `npm run probe:saasus`, so the probe
 * sends what the API sends.
 */
import { authorizationHeader, type SigningCredentials } from './signature'

export interface AuthApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH'
  /** Below the Auth API's base, e.g. `/userinfo`. */
  path: string
  query?: Record<string, string>
  /** Sent as JSON. */
  body?: unknown
}

/**
 * The URL and fetch options of a signed request. `headers` are sent too, under
 * the ones the request needs (the signature always wins).
 */
export async function signedRequest(
  authApiUrl: string,
  credentials: SigningCredentials,
  request: AuthApiRequest,
  headers: Record<string, string> = {},
): Promise<{ url: URL; init: { method: string; headers: Record<string, string>; body?: string } }> {
  const url = new URL(authApiUrl + request.path)
  for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, value)
  const body = request.body === undefined ? undefined : JSON.stringify(request.body)
  const signed: Record<string, string> = {
    ...headers,
    Accept: 'application/json',
    ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    Authorization: await authorizationHeader(credentials, { method: request.method, url: url.href, body }),
  }
  return { url, init: { method: request.method, headers: signed, ...(body === undefined ? {} : { body }) } }
}
