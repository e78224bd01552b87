/**
 * The SaaSus objects the emulator speaks, from the official definition
 * (spec/saasus-authapi.yml, generated into spec/saasus-authapi.d.ts), never
 * from the API's own modules: the emulator stands for SaaSus, not for us.
 */
import type { components } from '../../spec/saasus-authapi'

type Schemas = components['schemas']
export type UserInfo = Schemas['UserInfo']
export type UserAvailableTenant = Schemas['UserAvailableTenant']
export type UserAvailableEnv = Schemas['UserAvailableEnv']
export type Role = Schemas['Role']
export type User = Schemas['User']
export type Users = Schemas['Users']
export type MfaPreference = Schemas['MfaPreference']
export type Credentials = Schemas['Credentials']
export type SaasusErrorBody = Schemas['Error']
