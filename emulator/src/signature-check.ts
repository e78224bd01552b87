/**
 * Rejects any call to the Auth API that is not signed with SAASUSSIGV1 by the
 * configured credentials, as SaaSus does: 401 with an `Error` body.
 */
import type { MiddlewareHandler } from 'hono'
import { parseAuthorization, signature } from '../../src/saasus/signature'
import type { EmulatorEnv } from './env'

const MINUTE_MS = 60_000

function equalHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

export const requireSignature = (): MiddlewareHandler<EmulatorEnv> =>
  async function requireSignatureHandler(c, next) {
    const parts = parseAuthorization(c.req.header('Authorization'))
    const credentials = { apiKey: c.env.SAASUS_API_KEY, secretKey: c.env.SAASUS_SECRET_KEY }
    let valid = false
    if (parts && parts.saasId === c.env.SAASUS_SAAS_ID && parts.apiKey === credentials.apiKey) {
      const body = ['GET', 'HEAD'].includes(c.req.method) ? undefined : await c.req.text()
      const request = { method: c.req.method, url: c.req.url, body }
      // The signed minute may have just rolled over on either side.
      const now = Date.now()
      for (const offset of [0, -MINUTE_MS, MINUTE_MS]) {
        if (equalHex(await signature(credentials, request, new Date(now + offset)), parts.sig)) valid = true
      }
    }
    if (!valid) return c.json({ type: 'invalid_signature', message: 'The request signature is not valid' }, 401)
    await next()
  }
