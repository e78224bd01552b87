/**
 * The five MFA routes of the SaaSus sample servers, same paths and shapes.
 * Each runs `requireUser` first, so `c.var.user` is the caller (and a path that
 * is no route is a plain 404, without a SaaSus call).
 */
import { zValidator } from '@hono/zod-validator'
import { Hono, type MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env'
import { ApiError } from '../errors'
import { jsonBody } from '../middleware/json-body'
import { limitPerUser } from '../middleware/rate-limit'
import { requireUser } from '../middleware/user'
import { accountName, keyUri } from '../otpauth'
import { qrCodeSvg } from '../qr'
import type { MessageResponse, SetupResponse, StatusResponse } from '../schemas'
import { accessTokenHeader, verifyRequest } from '../schemas'
import { upstream } from '../upstream'

/** The X-Access-Token header the two software-token calls need, read before any attempt is counted. */
const requireAccessToken = (): MiddlewareHandler<AppEnv & { Variables: { accessToken: string } }> =>
  async function requireAccessTokenHandler(c, next) {
    const parsed = accessTokenHeader.safeParse(c.req.header('X-Access-Token')?.trim() ?? '')
    if (!parsed.success) throw new ApiError('missing_access_token')
    c.set('accessToken', parsed.data)
    await next()
  }

const validationFailed = (result: { success: boolean; error?: unknown }) => {
  if (!result.success) throw new ApiError('invalid_request', { cause: result.error })
}

const user = requireUser()

export const mfaRoutes = new Hono<AppEnv>()
  .get('/mfa_status', user, async (c) => {
    const preference = await upstream(c.var.saasus.getMfaPreference(c.var.user.id), {
      unauthorized: 'upstream_error',
    })
    const status: StatusResponse = { enabled: preference.enabled }
    if (preference.method) status.method = preference.method
    return c.json(status)
  })

  // Each setup mints a secret and each verify spends a guess: both are counted per user, after the
  // request is known to be well-formed, so a malformed one never spends an attempt.
  .get('/mfa_setup', user, requireAccessToken(), limitPerUser('MFA_SETUP_LIMITER'), async (c) => {
    const { secret_code } = await upstream(c.var.saasus.createSecretCode(c.var.user.id, c.var.accessToken), {
      unauthorized: 'invalid_access_token',
    })
    const secret = secret_code.replace(/=+$/, '').toUpperCase()
    const qrCodeUrl = keyUri({ issuer: c.var.config.mfaIssuer, account: accountName(c.var.user), secret })
    // A fresh secret is a credential: no cache (browser, proxy or CDN) may keep it.
    c.header('Cache-Control', 'no-store')
    return c.json({ qrCodeUrl, secret, qrCodeSvg: qrCodeSvg(qrCodeUrl) } satisfies SetupResponse)
  })

  .post(
    '/mfa_verify',
    user,
    requireAccessToken(),
    jsonBody(),
    zValidator('json', verifyRequest, validationFailed),
    limitPerUser('MFA_VERIFY_LIMITER'),
    async (c) => {
      const { verification_code } = c.req.valid('json')
      // Never retried: a second attempt would spend another guess of the user's.
      await upstream(c.var.saasus.updateSoftwareToken(c.var.user.id, c.var.accessToken, verification_code), {
        unauthorized: 'invalid_access_token',
        rejected: 'invalid_verification_code',
      })
      return c.json({ message: 'MFA verification successful' } satisfies MessageResponse)
    },
  )

  .post('/mfa_enable', user, jsonBody(), async (c) => {
    await upstream(c.var.saasus.updateMfaPreference(c.var.user.id, { enabled: true, method: 'softwareToken' }), {
      unauthorized: 'upstream_error',
      // Enabling has one refusal in practice: no authenticator registered yet.
      rejected: 'mfa_not_registered',
    })
    return c.json({ message: 'MFA has been enabled' } satisfies MessageResponse)
  })

  .post('/mfa_disable', user, jsonBody(), async (c) => {
    await upstream(c.var.saasus.updateMfaPreference(c.var.user.id, { enabled: false, method: 'softwareToken' }), {
      unauthorized: 'upstream_error',
    })
    return c.json({ message: 'MFA has been disabled' } satisfies MessageResponse)
  })
