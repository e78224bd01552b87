/**
 * What a member's tenants ask of them: MFA is required when any of their tenants requires it, and
 * while their MFA is off they have until the earliest of those tenants' deadlines
 * (`requiredSince + graceDays`) to turn it on.
 */
import type { MfaPolicy } from './protocol'

const DAY_MS = 24 * 60 * 60 * 1000

export function requirementOf(
  policies: readonly MfaPolicy[],
  mfaEnabled: boolean,
): { required: boolean; enrollBy: number | null } {
  const deadlines = policies
    .filter((policy) => policy.required && policy.requiredSince !== null)
    .map((policy) => (policy.requiredSince as number) + policy.graceDays * DAY_MS)
  const required = policies.some((policy) => policy.required)
  return { required, enrollBy: required && !mfaEnabled && deadlines.length > 0 ? Math.min(...deadlines) : null }
}
