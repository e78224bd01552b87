/**
 * What the OpenAPI document says about each route, beside the schemas the
 * routes validate with (src/schemas.ts). A route added to the app is added here
 * too: test/openapi.test.ts fails while the two disagree.
 */
import * as z from 'zod/mini'
import type { ErrorCode } from '../errors'
import {
  credentialsResponse,
  emptyRequest,
  messageResponse,
  setupResponse,
  statusResponse,
  userInfoResponse,
  verifyRequest,
} from '../schemas'

export interface Operation {
  method: 'get' | 'post'
  path: string
  operationId: string
  summary: string
  description?: string
  /** Needs `Authorization: Bearer <SaaSus ID token>`. */
  bearer: boolean
  /** Needs `X-Access-Token`. */
  accessToken?: boolean
  /** Needs `X-Requested-With` (the session routes' CSRF defence). */
  requestedWith?: boolean
  /** Reads the `SaaSusRefreshToken` cookie. */
  readsRefreshCookie?: boolean
  /** May answer with `Set-Cookie: SaaSusRefreshToken=…`. */
  setsRefreshCookie?: boolean
  /** Query parameters. */
  query?: readonly { name: string; required: boolean; description: string; schema: z.ZodMiniType }[]
  /** The JSON body, when it has one; `optional` when an empty body is accepted too. */
  requestBody?: { schema: z.ZodMiniType; optional?: boolean; example: unknown }
  response: { schema: z.ZodMiniType; example: unknown; headers?: Record<string, string> }
  /** Error codes this route itself may answer with, beyond those every route shares. */
  errors: readonly ErrorCode[]
}

/** Errors any route may answer with: from CORS, configuration, a bug. */
export const COMMON_ERRORS = ['origin_not_allowed', 'misconfigured', 'internal_error'] as const satisfies ErrorCode[]

/** Errors of every route that resolves the caller and calls SaaSus. */
const SAASUS_ERRORS = [
  'invalid_token',
  'upstream_error',
  'upstream_misconfigured',
  'upstream_unavailable',
  'upstream_timeout',
] as const satisfies ErrorCode[]

const JSON_BODY_ERRORS = ['invalid_json', 'unsupported_media_type'] as const satisfies ErrorCode[]

const EXAMPLE_URI = 'otpauth://totp/SaaSusPlatform:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=SaaSusPlatform'

export const OPERATIONS: readonly Operation[] = [
  {
    method: 'get',
    path: '/mfa_status',
    operationId: 'getMfaStatus',
    summary: "Whether MFA is on for the caller, and SaaSus's method when it reports one",
    bearer: true,
    response: { schema: statusResponse, example: { enabled: true, method: 'softwareToken' } },
    errors: [...SAASUS_ERRORS, 'upstream_rejected'],
  },
  {
    method: 'get',
    path: '/mfa_setup',
    operationId: 'setupMfa',
    summary: 'A new authenticator secret: its key URI, the secret for manual entry, and a QR code',
    description:
      'Each call asks SaaSus for a new secret; the last one handed out is the one `/mfa_verify` checks. ' +
      'Show `qrCodeSvg` as an image (e.g. `<img src="data:image/svg+xml,...">`), never as HTML.',
    bearer: true,
    accessToken: true,
    response: {
      schema: setupResponse,
      example: {
        qrCodeUrl: EXAMPLE_URI,
        secret: 'JBSWY3DPEHPK3PXP',
        qrCodeSvg: '<svg xmlns="http://www.w3.org/2000/svg" …</svg>',
      },
      headers: { 'Cache-Control': 'no-store' },
    },
    errors: [
      ...SAASUS_ERRORS,
      'missing_access_token',
      'invalid_access_token',
      'upstream_rejected',
      'too_many_attempts',
    ],
  },
  {
    method: 'post',
    path: '/mfa_verify',
    operationId: 'verifyMfa',
    summary: 'Registers the authenticator by checking one code it shows now',
    bearer: true,
    accessToken: true,
    requestBody: { schema: verifyRequest, example: { verification_code: '123456' } },
    response: { schema: messageResponse, example: { message: 'MFA verification successful' } },
    errors: [
      ...SAASUS_ERRORS,
      ...JSON_BODY_ERRORS,
      'invalid_request',
      'missing_access_token',
      'invalid_access_token',
      'invalid_verification_code',
      'too_many_attempts',
    ],
  },
  {
    method: 'post',
    path: '/mfa_enable',
    operationId: 'enableMfa',
    summary: 'Turns MFA on (after setup and verify)',
    bearer: true,
    requestBody: { schema: emptyRequest, optional: true, example: {} },
    response: { schema: messageResponse, example: { message: 'MFA has been enabled' } },
    errors: [...SAASUS_ERRORS, ...JSON_BODY_ERRORS, 'mfa_not_registered'],
  },
  {
    method: 'post',
    path: '/mfa_disable',
    operationId: 'disableMfa',
    summary: 'Turns MFA off',
    bearer: true,
    requestBody: { schema: emptyRequest, optional: true, example: {} },
    response: { schema: messageResponse, example: { message: 'MFA has been disabled' } },
    errors: [...SAASUS_ERRORS, ...JSON_BODY_ERRORS, 'upstream_rejected'],
  },
  {
    method: 'get',
    path: '/credentials',
    operationId: 'getCredentials',
    summary: "Trades the hosted login's one-time code for tokens; sets the refresh-token cookie",
    description:
      'SaaSus `GET /credentials?auth-flow=tempCodeAuth`. The refresh token goes into an HttpOnly cookie ' +
      '(`Path=/refresh`), and into the body too unless `REFRESH_TOKEN_IN_BODY` is false.',
    bearer: false,
    requestedWith: true,
    setsRefreshCookie: true,
    query: [
      {
        name: 'code',
        required: true,
        description: 'The `code` the hosted login appended to the callback URL (a UUID, valid 10 s, good once)',
        schema: z.string().check(z.describe('UUID')),
      },
    ],
    response: {
      schema: credentialsResponse,
      example: { id_token: 'eyJ…', access_token: 'eyJ…', refresh_token: 'eyJ…' },
      headers: { 'Cache-Control': 'no-store' },
    },
    errors: [
      'invalid_request',
      'invalid_login_code',
      'missing_requested_with',
      'upstream_error',
      'upstream_misconfigured',
      'upstream_unavailable',
      'upstream_timeout',
    ],
  },
  {
    method: 'get',
    path: '/refresh',
    operationId: 'refreshCredentials',
    summary: 'New ID and access tokens from the refresh-token cookie',
    description: 'SaaSus `GET /credentials?auth-flow=refreshTokenAuth`. A refused refresh token clears the cookie.',
    bearer: false,
    requestedWith: true,
    readsRefreshCookie: true,
    setsRefreshCookie: true,
    response: {
      schema: credentialsResponse,
      example: { id_token: 'eyJ…', access_token: 'eyJ…' },
      headers: { 'Cache-Control': 'no-store' },
    },
    errors: [
      'missing_refresh_token',
      'invalid_refresh_token',
      'missing_requested_with',
      'upstream_error',
      'upstream_misconfigured',
      'upstream_unavailable',
      'upstream_timeout',
    ],
  },
  {
    method: 'get',
    path: '/userinfo',
    operationId: 'getUserInfo',
    summary: "The caller's SaaSus UserInfo: e-mail or sign-in ID, tenants, environments and roles",
    bearer: true,
    response: {
      schema: userInfoResponse,
      example: {
        id: 'f94bfffc-8be2-11ec-b41a-0242ac120004',
        email: 'alice@example.com',
        sign_in_id: '',
        user_attribute: {},
        tenants: [],
      },
    },
    errors: [...SAASUS_ERRORS],
  },
  {
    method: 'post',
    path: '/logout',
    operationId: 'logout',
    summary: 'Forgets the refresh-token cookies (SaaSus has no call that revokes the token itself)',
    bearer: false,
    requestedWith: true,
    setsRefreshCookie: true,
    response: { schema: messageResponse, example: { message: 'Signed out' } },
    errors: ['missing_requested_with'],
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApi',
    summary: 'This document',
    bearer: false,
    response: { schema: z.looseObject({ openapi: z.string() }), example: { openapi: '3.1.1' } },
    errors: [],
  },
]
