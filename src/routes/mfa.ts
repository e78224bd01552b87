/**
 * The five MFA routes of the SaaSus sample servers, same paths and shapes.
 * Each route states its own description and guards in the order they run:
 * `requireUser` first, so `c.var.user` is the caller (and a path that is no
 * route is a plain 404, without a SaaSus call).
 */
import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import type { AppEnv } from '../app-env'
import { requireAccessToken } from '../middleware/access-token'
import { invalidField, jsonBody } from '../middleware/json-body'
import { limitPerUser } from '../middleware/rate-limit'
import { requireUser } from '../middleware/user'
import { describeRoute } from '../openapi/describe'
import { accountName, keyUri } from '../otpauth'
import { qrCodeSvg } from '../qr'
import {
  emptyRequest,
  type MessageResponse,
  messageResponse,
  type SetupResponse,
  type StatusResponse,
  setupResponse,
  statusResponse,
  verifyRequest,
} from '../schemas'
import { upstream } from '../upstream'

const EXAMPLE_URI = 'otpauth://totp/SaaSusPlatform:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=SaaSusPlatform'

// `{}` or no body: the sample SPA posts `{}` to enable and disable.
const EMPTY_BODY = { schema: emptyRequest, optional: true, example: {} }

export const mfaRoutes = new Hono<AppEnv>()
  .get(
    '/mfa_status',
    describeRoute({
      operationId: 'getMfaStatus',
      summary: "Whether MFA is on for the caller, and SaaSus's method when it reports one",
      response: { schema: statusResponse, example: { enabled: true, method: 'softwareToken' } },
      errors: ['upstream_rejected'],
    }),
    // A read that changes nothing: the one route that may reuse a user resolved moments ago.
    requireUser({ cached: true }),
    async (c) => {
      const preference = await upstream(c.var.saasus.getMfaPreference(c.var.user.id), {
        unauthorized: 'upstream_error',
      })
      const status: StatusResponse = { enabled: preference.enabled }
      if (preference.method) status.method = preference.method
      return c.json(status)
    },
  )

  // Each setup mints a secret and each verify spends a guess: both are counted per user, after the
  // request is known to be well-formed, so a malformed one never spends an attempt.
  .get(
    '/mfa_setup',
    describeRoute({
      operationId: 'setupMfa',
      summary: 'A new authenticator secret: its key URI, the secret for manual entry, and a QR code',
      description:
        'Each call asks SaaSus for a new secret; the last one handed out is the one `/mfa_verify` checks. ' +
        'Show `qrCodeSvg` as an image (e.g. `<img src="data:image/svg+xml,...">`), never as HTML.',
      response: {
        schema: setupResponse,
        example: {
          qrCodeUrl: EXAMPLE_URI,
          secret: 'JBSWY3DPEHPK3PXP',
          qrCodeSvg: '<svg xmlns="http://www.w3.org/2000/svg" …</svg>',
        },
        headers: { 'Cache-Control': 'no-store' },
      },
      errors: ['invalid_access_token', 'upstream_rejected', 'too_many_attempts'],
    }),
    requireUser(),
    requireAccessToken(),
    limitPerUser('MFA_SETUP_LIMITER'),
    async (c) => {
      const { secret_code } = await upstream(c.var.saasus.createSecretCode(c.var.user.id, c.var.accessToken), {
        unauthorized: 'invalid_access_token',
      })
      const secret = secret_code.replace(/=+$/, '').toUpperCase()
      const qrCodeUrl = keyUri({ issuer: c.var.settings.mfaIssuer, account: accountName(c.var.user), secret })
      // A fresh secret is a credential: no cache (browser, proxy or CDN) may keep it.
      c.header('Cache-Control', 'no-store')
      return c.json({ qrCodeUrl, secret, qrCodeSvg: qrCodeSvg(qrCodeUrl) } satisfies SetupResponse)
    },
  )

  .post(
    '/mfa_verify',
    describeRoute({
      operationId: 'verifyMfa',
      summary: 'Registers the authenticator by checking one code it shows now',
      requestBody: { schema: verifyRequest, example: { verification_code: '123456' } },
      response: { schema: messageResponse, example: { message: 'MFA verification successful' } },
      errors: ['invalid_request', 'invalid_access_token', 'invalid_verification_code', 'too_many_attempts'],
    }),
    requireUser(),
    requireAccessToken(),
    jsonBody(),
    zValidator('json', verifyRequest, invalidField),
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

  .post(
    '/mfa_enable',
    describeRoute({
      operationId: 'enableMfa',
      summary: 'Turns MFA on (after setup and verify)',
      requestBody: EMPTY_BODY,
      response: { schema: messageResponse, example: { message: 'MFA has been enabled' } },
      errors: ['mfa_not_registered'],
    }),
    requireUser(),
    jsonBody(),
    async (c) => {
      await upstream(c.var.saasus.updateMfaPreference(c.var.user.id, { enabled: true, method: 'softwareToken' }), {
        unauthorized: 'upstream_error',
        // Enabling has one refusal in practice: no authenticator registered yet.
        rejected: 'mfa_not_registered',
      })
      return c.json({ message: 'MFA has been enabled' } satisfies MessageResponse)
    },
  )

  .post(
    '/mfa_disable',
    describeRoute({
      operationId: 'disableMfa',
      summary: 'Turns MFA off',
      requestBody: EMPTY_BODY,
      response: { schema: messageResponse, example: { message: 'MFA has been disabled' } },
      errors: ['upstream_rejected'],
    }),
    requireUser(),
    jsonBody(),
    async (c) => {
      await upstream(c.var.saasus.updateMfaPreference(c.var.user.id, { enabled: false, method: 'softwareToken' }), {
        unauthorized: 'upstream_error',
      })
      return c.json({ message: 'MFA has been disabled' } satisfies MessageResponse)
    },
  )
