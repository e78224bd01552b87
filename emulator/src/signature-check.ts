/**
 * Rejects any call to the Auth API that is not signed with SAASUSSIGV1 by the
 * configured credentials, as SaaSus does, in the call's dialect. The check is the
 * emulator's own code, not the API's signer, so a bug in the signer cannot hide
 * from it: HMAC-SHA256 keyed with the secret key over `YYYYMMDDHHmm (UTC) +
 * apiKey + METHOD + host[:port]/path?query + body`, compared by Web Crypto.
 */
import type { MiddlewareHandler } from 'hono'
import { answerFor } from './dialects'
import type { EmulatorEnv } from './env'
import { dialectOf } from './faults'

const MINUTE_MS = 60_000
const HEADER = /^SAASUSSIGV1 Sig=([0-9a-f]{64}), SaaSID=([^,\s]+), APIKey=([^,\s]+)$/
const encoder = new TextEncoder()

function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16))
}

/** The signed minute: `YYYYMMDDHHmm` in UTC. */
const minuteOf = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 16).replace(/[-T:]/g, '')

const keys = new Map<string, Promise<CryptoKey>>()

async function signedBy(secret: string, message: string, sig: string): Promise<boolean> {
  let key = keys.get(secret)
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
    keys.set(secret, key)
  }
  return crypto.subtle.verify('HMAC', await key, fromHex(sig), encoder.encode(message))
}

export const requireSignature = (): MiddlewareHandler<EmulatorEnv> =>
  async function requireSignatureHandler(c, next) {
    const match = HEADER.exec(c.req.header('Authorization') ?? '')
    let valid = false
    if (match && match[2] === c.env.SAASUS_SAAS_ID && match[3] === c.env.SAASUS_API_KEY) {
      const body = ['GET', 'HEAD'].includes(c.req.method) ? '' : await c.req.text()
      const target = c.req.url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
      const now = Date.now()
      // The signed minute may have just rolled over on either side.
      for (const offset of [0, -MINUTE_MS, MINUTE_MS]) {
        const message = `${minuteOf(now + offset)}${c.env.SAASUS_API_KEY}${c.req.method.toUpperCase()}${target}${body}`
        if (await signedBy(c.env.SAASUS_SECRET_KEY, message, match[1] as string)) valid = true
      }
    }
    if (!valid) {
      const answer = answerFor(dialectOf(c), 'signature')
      return c.json(answer.body, answer.status as 401)
    }
    await next()
  }
