/**
 * CPU per request: each route end to end through the front and the core in this
 * isolate (CORS and shape checks, the forward, user, route, signing, validation, URI
 * rendering), SaaSus answering at once; then the pieces on their own. Run with `npm run bench:cpu`.
 *
 * workerd's clock has millisecond steps and moves only at I/O, so one sample is
 * a batch of BATCH sequential requests: divide the times shown by BATCH for one
 * request (the quantisation error per request is then 1/BATCH ms).
 */
import { env } from 'cloudflare:workers'
import { bench, describe } from 'vitest'
import { app } from '../../src/core/app'
import { keyUri } from '../../src/core/otpauth'
import { qrCodeSvg } from '../../src/core/qr'
import { authorizationHeader } from '../../src/core/saasus/signature'
import { verifyRequest } from '../../src/core/schemas'
import { front } from '../../src/front/app'

const ORIGIN = 'https://spa.example.com'
const headers = {
  Origin: ORIGIN,
  Authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSIsImV4cCI6NDEwMjQ0NDgwMH0.c2lnbmF0dXJl',
  'X-Access-Token': 'access-token-for-the-bench',
  'X-SaaSus-Referer': '/user?action=mfa_setting',
}
const cacheOff = { ...env, USER_CACHE_TTL_SECONDS: '0' }

/** Requests per sample. */
const BATCH = 100

/** The front's settings (wrangler.toml [vars]), and its CORE binding: the core's app, in this isolate. */
const frontEnv = (coreEnv: object) => ({
  ALLOWED_ORIGINS: ORIGIN,
  SERVE_API_REFERENCE: 'false',
  REQUEST_LOG: 'all',
  CORE: { fetch: (input: RequestInfo | URL, init?: RequestInit) => app.fetch(new Request(input, init), coreEnv) },
})

/** BATCH sequential requests into the front (no extra hop into a Worker's entrypoint). */
async function send(path: string, init: RequestInit = {}, coreEnv: object = env): Promise<void> {
  const bindings = frontEnv(coreEnv)
  for (let i = 0; i < BATCH; i++) {
    const request = new Request(`https://mfa.example.com${path}`, { ...init, headers: { ...headers, ...init.headers } })
    const response = await front.fetch(request, bindings)
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`)
    await response.arrayBuffer()
  }
}

const post = (body: string): RequestInit => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body })

describe(`${BATCH} requests, end to end (SaaSus answers at once)`, () => {
  bench('OPTIONS preflight', () =>
    send('/mfa_status', {
      method: 'OPTIONS',
      headers: { 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    }),
  )
  bench('GET /mfa_status, user cached (1 call)', () => send('/mfa_status'))
  bench('GET /mfa_status, cache off (2 calls)', () => send('/mfa_status', {}, cacheOff))
  bench('GET /mfa_setup (2 calls, URI)', () => send('/mfa_setup'))
  bench('POST /mfa_verify (2 calls, body validation)', () =>
    send('/mfa_verify', post('{"verification_code":"123456"}')),
  )
  bench('POST /mfa_enable (2 calls)', () => send('/mfa_enable', post('{}')))
})

describe('the pieces', () => {
  const credentials = { saasId: 'saas', apiKey: 'key', secretKey: 'secret' }
  bench('SAASUSSIGV1 Authorization header', async () => {
    await authorizationHeader(credentials, {
      method: 'PATCH',
      url: 'https://api.saasus.io/v1/auth/users/x/mfa/preference',
      body: '{"enabled":true,"method":"softwareToken"}',
    })
  })
  bench('verify body validation (zod/mini)', () => {
    verifyRequest.safeParse({ verification_code: '123456' })
  })
  bench('otpauth key URI', () => {
    keyUri({ issuer: 'SaaSusPlatform', account: 'alice+mfa@example.com', secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' })
  })
  bench('QR code SVG of a key URI', () => {
    qrCodeSvg(
      keyUri({
        issuer: 'SaaSusPlatform',
        account: 'alice+mfa@example.com',
        secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
      }),
    )
  })
})
