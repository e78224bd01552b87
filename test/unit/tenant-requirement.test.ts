/**
 * What a member's tenants ask of them (src/core/tenant/requirement.ts): MFA is required when any
 * tenant requires it, and while it is off the member has until the earliest deadline
 * (`requiredSince + graceDays`) among the tenants requiring it.
 */
import { describe, expect, it } from 'vitest'
import type { MfaPolicy } from '../../src/core/tenant/protocol'
import { DEFAULT_POLICY } from '../../src/core/tenant/protocol'
import { requirementOf } from '../../src/core/tenant/requirement'

const DAY_MS = 24 * 60 * 60 * 1000
const T0 = Date.UTC(2026, 11, 7, 9, 0, 0)
const requiring = (requiredSince: number, graceDays: number): MfaPolicy => ({
  required: true,
  graceDays,
  requiredSince,
})

describe('requirementOf', () => {
  it('requires nothing of a user in no tenant, or in tenants that require nothing', () => {
    expect(requirementOf([], false)).toEqual({ required: false, enrollBy: null })
    expect(requirementOf([DEFAULT_POLICY, { ...DEFAULT_POLICY, graceDays: 0 }], false)).toEqual({
      required: false,
      enrollBy: null,
    })
  })

  it('gives the deadline of the one tenant requiring MFA: requiredSince + graceDays', () => {
    expect(requirementOf([DEFAULT_POLICY, requiring(T0, 14)], false)).toEqual({
      required: true,
      enrollBy: T0 + 14 * DAY_MS,
    })
    expect(requirementOf([requiring(T0, 0)], false)).toEqual({ required: true, enrollBy: T0 })
  })

  it('gives the earliest deadline, not the earliest start nor the first tenant', () => {
    // The first starts earliest but ends last; the second starts last and ends first.
    const policies = [requiring(T0, 30), requiring(T0 + 2 * DAY_MS, 5), requiring(T0 + DAY_MS, 60)]
    expect(requirementOf(policies, false)).toEqual({ required: true, enrollBy: T0 + 7 * DAY_MS })
  })

  it('still says required once MFA is on, with no deadline', () => {
    expect(requirementOf([requiring(T0, 14)], true)).toEqual({ required: true, enrollBy: null })
    expect(requirementOf([DEFAULT_POLICY], true)).toEqual({ required: false, enrollBy: null })
  })

  it('gives no deadline for a requirement without a start, and ignores it beside one with a start', () => {
    const unstarted: MfaPolicy = { required: true, graceDays: 14, requiredSince: null }
    expect(requirementOf([unstarted], false)).toEqual({ required: true, enrollBy: null })
    expect(requirementOf([unstarted, requiring(T0, 3)], false)).toEqual({ required: true, enrollBy: T0 + 3 * DAY_MS })
  })

  it('ignores the start of a policy that no longer requires MFA', () => {
    const lapsed: MfaPolicy = { required: false, graceDays: 1, requiredSince: T0 - 10 * DAY_MS }
    expect(requirementOf([lapsed, requiring(T0, 14)], false)).toEqual({ required: true, enrollBy: T0 + 14 * DAY_MS })
    expect(requirementOf([lapsed], false)).toEqual({ required: false, enrollBy: null })
  })
})
