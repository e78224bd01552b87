/**
 * The five MFA routes of the SaaSus sample servers, same paths and shapes.
 * Every route runs after `requireUser`, so `c.var.user` is the caller.
 */
import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import type { AppEnv } from '../app-env'
import { ApiError } from '../errors'
import { jsonBody } from '../middleware/json-body'
import { accountName, keyUri } from '../otpauth'
import type { MessageResponse, SetupResponse, StatusResponse } from '../schemas'
import { verifyRequest } from '../schemas'
import { upstream } from '../upstream'

/** The X-Access-Token header the two software-token calls need. */
function accessToken(header: string | undefined): string {
  const token = header?.trim() ?? ''
  if (!/^[\x21-\x7e]{1,8192}$/.test(token)) throw new ApiError('missing_access_token')
  return token
}

const validationFailed = (result: { success: boolean; error?: unknown }) => {
  if (!result.success) throw new ApiError('invalid_request', { cause: result.error })
}

export const mfaRoutes = new Hono<AppEnv>()
  .get('/mfa_status', async (c) => {
    const preference = await upstream(c.var.saasus.getMfaPreference(c.var.user.id), {
      unauthorized: 'upstream_error',
    })
    return c.json({ enabled: preference.enabled } satisfies StatusResponse)
  })

  .get('/mfa_setup', async (c) => {
    const token = accessToken(c.req.header('X-Access-Token'))
    const { secret_code } = await upstream(c.var.saasus.createSecretCode(c.var.user.id, token), {
      unauthorized: 'invalid_access_token',
    })
    const qrCodeUrl = keyUri({ issuer: c.var.config.mfaIssuer, account: accountName(c.var.user), secret: secret_code })
    return c.json({ qrCodeUrl } satisfies SetupResponse)
  })

  .post('/mfa_verify', jsonBody(), zValidator('json', verifyRequest, validationFailed), async (c) => {
    const token = accessToken(c.req.header('X-Access-Token'))
    const { verification_code } = c.req.valid('json')
    // Never retried: a second attempt would spend another guess of the user's.
    await upstream(c.var.saasus.updateSoftwareToken(c.var.user.id, token, verification_code), {
      unauthorized: 'invalid_access_token',
      rejected: 'invalid_verification_code',
    })
    return c.json({ message: 'MFA verification successful' } satisfies MessageResponse)
  })

  .post('/mfa_enable', jsonBody(), async (c) => {
    await upstream(c.var.saasus.updateMfaPreference(c.var.user.id, { enabled: true, method: 'softwareToken' }), {
      unauthorized: 'upstream_error',
      // Enabling has one refusal in practice: no authenticator registered yet.
      rejected: 'mfa_not_registered',
    })
    return c.json({ message: 'MFA has been enabled' } satisfies MessageResponse)
  })

  .post('/mfa_disable', jsonBody(), async (c) => {
    await upstream(c.var.saasus.updateMfaPreference(c.var.user.id, { enabled: false, method: 'softwareToken' }), {
      unauthorized: 'upstream_error',
    })
    return c.json({ message: 'MFA has been disabled' } satisfies MessageResponse)
  })
