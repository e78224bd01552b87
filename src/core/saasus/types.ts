/**
 * The SaaSus objects this API exchanges, typed from the official definition
 * (`spec/saasus-authapi.yml` → `spec/saasus-authapi.d.ts` by `npm run generate`), with zod
 * schemas that check SaaSus's answers at run time against those same types.
 */
import * as z from 'zod/mini'
import type { components } from '../../../spec/saasus-authapi'

type Schemas = components['schemas']
export type UserInfo = Schemas['UserInfo']
export type MfaPreference = Schemas['MfaPreference']
export type UpdateUserMfaPreferenceParam = Schemas['UpdateUserMfaPreferenceParam']
export type SoftwareTokenSecretCode = Schemas['SoftwareTokenSecretCode']
export type CreateSecretCodeParam = Schemas['CreateSecretCodeParam']
export type UpdateSoftwareTokenParam = Schemas['UpdateSoftwareTokenParam']
export type Credentials = Schemas['Credentials']
export type SaasusErrorBody = Schemas['Error']
export type UserAvailableTenant = Schemas['UserAvailableTenant']
/** Of a tenant's user (`User`), what this API reads. */
export type TenantUser = Pick<Schemas['User'], 'id' | 'email' | 'sign_in_id'>

/*
 * Each schema checks only what this API reads and passes the rest through; the
 * `satisfies` clause fails the typecheck if it drifts from the official type.
 */
const attributes = z.record(z.string(), z.unknown())

export const userInfoSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  email: z.string(),
  sign_in_id: z.string(),
  user_attribute: attributes,
  // Passed through to the SPA as SaaSus sent them; this API reads none of their fields.
  tenants: z.array(z.custom<Schemas['UserAvailableTenant']>((tenant) => typeof tenant === 'object' && tenant !== null)),
}) satisfies z.ZodMiniType<UserInfo>

export const mfaPreferenceSchema = z.looseObject({
  enabled: z.boolean(),
  method: z.optional(z.enum(['softwareToken', 'email'])),
}) satisfies z.ZodMiniType<MfaPreference>

export const secretCodeSchema = z.looseObject({
  secret_code: z.string().check(z.minLength(1)),
}) satisfies z.ZodMiniType<SoftwareTokenSecretCode>

export const credentialsSchema = z.looseObject({
  id_token: z.string().check(z.minLength(1)),
  access_token: z.string().check(z.minLength(1)),
  refresh_token: z.optional(z.string()),
}) satisfies z.ZodMiniType<Credentials>

const tenantUserSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  email: z.string(),
  sign_in_id: z.string(),
}) satisfies z.ZodMiniType<TenantUser>

/** Of a user's membership of one tenant (`User`), what this API reads: the tenant, and the roles per env as sent. */
export type TenantMembership = Pick<Schemas['User'], 'tenant_id'> & { envs: unknown }

/** `GetAllTenantUser`: `{users: [User]}`, one per tenant the user is in. */
export const membershipsSchema = z.looseObject({
  users: z.array(z.looseObject({ tenant_id: z.string(), envs: z.unknown() })),
}) satisfies z.ZodMiniType<{ users: TenantMembership[] }>

/** `GetTenantUsers`: `{users: [User]}`, each checked for what this API reads. */
export const tenantUsersSchema = z.looseObject({
  users: z.array(tenantUserSchema),
}) satisfies z.ZodMiniType<{ users: TenantUser[] }>

export const errorBodySchema = z.looseObject({
  type: z.string(),
  message: z.string(),
}) satisfies z.ZodMiniType<SaasusErrorBody>
