/**
 * The SaaSus objects this API exchanges, typed from the official definition
 * (`spec/saasus-authapi.yml` → `authapi.d.ts` by `npm run gen:saasus`), with zod
 * schemas that check SaaSus's answers at run time against those same types.
 */
import { z } from 'zod'
import type { components } from './authapi'

type Schemas = components['schemas']
export type UserInfo = Schemas['UserInfo']
export type MfaPreference = Schemas['MfaPreference']
export type UpdateUserMfaPreferenceParam = Schemas['UpdateUserMfaPreferenceParam']
export type SoftwareTokenSecretCode = Schemas['SoftwareTokenSecretCode']
export type CreateSecretCodeParam = Schemas['CreateSecretCodeParam']
export type UpdateSoftwareTokenParam = Schemas['UpdateSoftwareTokenParam']
export type Credentials = Schemas['Credentials']
export type SaasusErrorBody = Schemas['Error']

/*
 * Each schema checks only what this API reads and passes the rest through; the
 * `satisfies` clause fails the typecheck if it drifts from the official type.
 */
const attributes = z.record(z.string(), z.unknown())

export const userInfoSchema = z.looseObject({
  id: z.string().min(1),
  email: z.string(),
  sign_in_id: z.string(),
  user_attribute: attributes,
  // Passed through to the SPA as SaaSus sent them; this API reads none of their fields.
  tenants: z.array(z.custom<Schemas['UserAvailableTenant']>((tenant) => typeof tenant === 'object' && tenant !== null)),
}) satisfies z.ZodType<UserInfo>

export const mfaPreferenceSchema = z.looseObject({
  enabled: z.boolean(),
  method: z.enum(['softwareToken', 'email']).optional(),
}) satisfies z.ZodType<MfaPreference>

export const secretCodeSchema = z.looseObject({
  secret_code: z.string().min(1),
}) satisfies z.ZodType<SoftwareTokenSecretCode>

export const credentialsSchema = z.looseObject({
  id_token: z.string().min(1),
  access_token: z.string().min(1),
  refresh_token: z.string().optional(),
}) satisfies z.ZodType<Credentials>

export const errorBodySchema = z.looseObject({
  type: z.string(),
  message: z.string(),
}) satisfies z.ZodType<SaasusErrorBody>
