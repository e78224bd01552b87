/**
 * The request and response shapes of the public API, as zod schemas: the routes
 * validate with them and their types are the contract clients build against.
 * Fields are only ever added, never changed or removed.
 */
import * as z from 'zod/mini'
import { ERRORS, type ErrorCode } from './errors'

/** `POST /mfa_verify` body: the six digits the authenticator app shows now. */
export const verifyRequest = z.object({
  verification_code: z.string().check(z.regex(/^\d{6}$/, { error: 'verification_code must be six digits' })),
})

export const statusResponse = z.object({
  enabled: z.boolean(),
})

export const setupResponse = z.object({
  /** The `otpauth://` key URI for the authenticator app. */
  qrCodeUrl: z.string(),
})

export const messageResponse = z.object({
  message: z.string(),
})

export const errorResponse = z.object({
  error: z.string(),
  code: z.enum(Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]]),
})

/**
 * `GET /credentials` and `GET /refresh`: SaaSus's `Credentials`, as the sample
 * servers return them. `refresh_token` is absent when REFRESH_TOKEN_IN_BODY is
 * false, and from /refresh unless SaaSus rotated the token.
 */
export const credentialsResponse = z.object({
  id_token: z.string(),
  access_token: z.string(),
  refresh_token: z.optional(z.string()),
})

export type CredentialsResponse = z.infer<typeof credentialsResponse>
export type VerifyRequest = z.infer<typeof verifyRequest>
export type StatusResponse = z.infer<typeof statusResponse>
export type SetupResponse = z.infer<typeof setupResponse>
export type MessageResponse = z.infer<typeof messageResponse>
