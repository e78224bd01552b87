/**
 * The five MFA routes of the SaaSus sample servers, same paths and shapes. Their
 * guards are the route table's (src/shared/routes.ts): `user` first, so
 * `c.get('user')` is the caller. Each states here its description and its handler.
 *
 * Setup, verify, enable and disable also go through the caller's account object
 * (src/core/account/gateway.ts): the object admits the operation (attempt limit,
 * step-up), the Worker then makes the SaaSus call, and the object records how it
 * ended (the secret sealed, the attempt counted, the event).
 */
import { Hono } from 'hono'
import { ROUTES } from '../../shared/routes'
import { accountOf } from '../account/gateway'
import type { AppEnv } from '../app-env'
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
  stepUpRequest,
  verifyRequest,
} from '../schemas'
import { policiesOf } from '../tenant/gateway'
import { requirementOf } from '../tenant/requirement'
import { tenantIdsOf } from '../tenant/roles'
import { upstream } from '../upstream'
import { guarded } from './route'

const EXAMPLE_URI = 'otpauth://totp/SaaSusPlatform:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=SaaSusPlatform'

// `{}` or no body (the sample SPA posts `{}` to enable and disable); a JSON object whatever it holds.
const EMPTY_BODY = { schema: emptyRequest, optional: true, example: {} }

const STEP_UP_NOTE =
  'With `MFA_STEP_UP=required` it needs a current code of the authenticator (step-up), each code good once.'

const { getMfaStatus, setupMfa, verifyMfa, enableMfa, disableMfa } = ROUTES

export const mfaRoutes = new Hono<AppEnv>()
  .on(
    getMfaStatus.method,
    getMfaStatus.path,
    guarded(getMfaStatus, {
      summary:
        "Whether MFA is on for the caller, SaaSus's method when it reports one, and whether a tenant requires it",
      description:
        '`required` and `enroll_by` come from the policies of the tenants SaaSus lists for the caller ' +
        '(`PUT /tenants/{tenant_id}/mfa_policy`); a policy read in the last 30 s is reused, so a change reaches ' +
        'members within 30 s.',
      response: {
        schema: statusResponse,
        example: { enabled: false, required: true, enroll_by: '2026-12-21T09:00:00.000Z' },
      },
      errors: ['upstream_rejected', 'storage_unavailable'],
    }),
    async (c) => {
      const user = c.get('user')
      // The preference and the policies in parallel: a cached policy costs nothing, a stale one a round trip.
      const [preference, policies] = await Promise.all([
        upstream(c.get('saasus').getMfaPreference(user.id), { unauthorized: 'upstream_error' }),
        policiesOf(c, tenantIdsOf(user)),
      ])
      const { required, enrollBy } = requirementOf(policies, preference.enabled)
      return c.json({
        enabled: preference.enabled,
        ...(preference.method ? { method: preference.method } : {}),
        required,
        enroll_by: enrollBy === null ? null : new Date(enrollBy).toISOString(),
      } satisfies StatusResponse)
    },
  )

  // Each setup mints a secret and each verify spends a guess: both are counted per user, after the
  // request is known to be well-formed, so a malformed one never spends an attempt.
  .on(
    setupMfa.method,
    setupMfa.path,
    guarded(setupMfa, {
      summary: 'A new authenticator secret: its key URI, the secret for manual entry, and a QR code',
      description:
        'Each call asks SaaSus for a new secret; the last one handed out is the one `/mfa_verify` checks. ' +
        'Show `qrCodeSvg` as an image (e.g. `<img src="data:image/svg+xml,...">`), never as HTML. ' +
        'While MFA is on, with `MFA_STEP_UP=required`, it needs `X-Verification-Code`: a current code of ' +
        'the authenticator being replaced.',
      response: {
        schema: setupResponse,
        example: {
          qrCodeUrl: EXAMPLE_URI,
          secret: 'JBSWY3DPEHPK3PXP',
          qrCodeSvg: '<svg xmlns="http://www.w3.org/2000/svg" …</svg>',
        },
        headers: { 'Cache-Control': 'no-store' },
      },
      errors: ['invalid_access_token', 'upstream_rejected', 'too_many_attempts', 'storage_unavailable'],
    }),
    async (c) => {
      // The account object keeps the secret (sealed) as pending, for step-up once it is verified.
      const secret = await accountOf(c).setup(c.get('stepUpCode'), async () => {
        const { secret_code } = await upstream(
          c.get('saasus').createSecretCode(c.get('user').id, c.get('accessToken')),
          {
            unauthorized: 'invalid_access_token',
          },
        )
        return secret_code.replace(/=+$/, '').toUpperCase()
      })
      const qrCodeUrl = keyUri({ issuer: c.get('settings').mfaIssuer, account: accountName(c.get('user')), secret })
      // A fresh secret is a credential: no cache (browser, proxy or CDN) may keep it.
      c.header('Cache-Control', 'no-store')
      return c.json({ qrCodeUrl, secret, qrCodeSvg: qrCodeSvg(qrCodeUrl) } satisfies SetupResponse)
    },
  )

  .on(
    verifyMfa.method,
    verifyMfa.path,
    guarded(verifyMfa, {
      summary: 'Registers the authenticator by checking one code it shows now',
      requestBody: { schema: verifyRequest, example: { verification_code: '123456' } },
      response: { schema: messageResponse, example: { message: 'MFA verification successful' } },
      description:
        'A wrong code counts against the user: after 5 in a row, `429 too_many_attempts` with `Retry-After` ' +
        '(a minute, doubling with each further failure, an hour at most) until a success.',
      errors: [
        'invalid_request',
        'invalid_access_token',
        'invalid_verification_code',
        'too_many_attempts',
        'storage_unavailable',
      ],
    }),
    async (c) => {
      const { verification_code } = c.req.valid('json')
      // Never retried: a second attempt would spend another guess of the user's.
      await accountOf(c).verify(verification_code, () =>
        upstream(c.get('saasus').updateSoftwareToken(c.get('user').id, c.get('accessToken'), verification_code), {
          unauthorized: 'invalid_access_token',
          rejected: 'invalid_verification_code',
        }),
      )
      return c.json({ message: 'MFA verification successful' } satisfies MessageResponse)
    },
  )

  .on(
    enableMfa.method,
    enableMfa.path,
    guarded(enableMfa, {
      summary: 'Turns MFA on (after setup and verify)',
      description:
        'Needs an authenticator registered through this API (setup and verify) since MFA was last turned off; ' +
        'otherwise `409 mfa_not_registered`, and SaaSus is not asked.',
      requestBody: EMPTY_BODY,
      response: { schema: messageResponse, example: { message: 'MFA has been enabled' } },
      errors: ['mfa_not_registered', 'storage_unavailable'],
    }),
    async (c) => {
      await accountOf(c).enable(() =>
        upstream(c.get('saasus').updateMfaPreference(c.get('user').id, { enabled: true, method: 'softwareToken' }), {
          unauthorized: 'upstream_error',
          // Enabling has one refusal in practice: no authenticator registered yet.
          rejected: 'mfa_not_registered',
        }),
      )
      return c.json({ message: 'MFA has been enabled' } satisfies MessageResponse)
    },
  )

  .on(
    disableMfa.method,
    disableMfa.path,
    guarded(disableMfa, {
      summary: 'Turns MFA off',
      description: `Deletes the user's recovery codes too. ${STEP_UP_NOTE}`,
      requestBody: { schema: stepUpRequest, optional: true, example: {} },
      response: { schema: messageResponse, example: { message: 'MFA has been disabled' } },
      errors: ['upstream_rejected', 'storage_unavailable'],
    }),
    async (c) => {
      await accountOf(c).disable(c.get('stepUpCode'), () =>
        upstream(c.get('saasus').updateMfaPreference(c.get('user').id, { enabled: false, method: 'softwareToken' }), {
          unauthorized: 'upstream_error',
        }),
      )
      return c.json({ message: 'MFA has been disabled' } satisfies MessageResponse)
    },
  )
