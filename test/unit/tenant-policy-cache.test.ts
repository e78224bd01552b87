/**
 * The per-isolate cache of tenant policies (src/core/tenant/policy-cache.ts), with a clock the
 * tests move: an entry is served for POLICY_CACHE_SECONDS and not a moment longer, a new store
 * starts its time again, and the cache holds at most POLICY_CACHE_MAX_ENTRIES tenants.
 */
import { describe, expect, it } from 'vitest'
import { createPolicyCache, POLICY_CACHE_MAX_ENTRIES, POLICY_CACHE_SECONDS } from '../../src/core/tenant/policy-cache'
import type { MfaPolicy } from '../../src/core/tenant/protocol'

const TTL_MS = POLICY_CACHE_SECONDS * 1000
const ON: MfaPolicy = { required: true, graceDays: 14, requiredSince: 1_700_000_000_000 }
const OFF: MfaPolicy = { required: false, graceDays: 14, requiredSince: null }

function withClock() {
  let clock = 1_700_000_000_000
  return {
    cache: createPolicyCache(() => clock),
    advance: (ms: number) => {
      clock += ms
    },
  }
}

describe('createPolicyCache', () => {
  it('is 30 s', () => {
    expect(POLICY_CACHE_SECONDS).toBe(30)
  })

  it('serves a stored policy until POLICY_CACHE_SECONDS have passed, then forgets it', () => {
    const { cache, advance } = withClock()
    expect(cache.fresh('t')).toBeUndefined()
    cache.store('t', ON)
    expect(cache.fresh('t')).toEqual(ON)
    advance(TTL_MS - 1)
    expect(cache.fresh('t')).toEqual(ON)
    advance(1)
    expect(cache.fresh('t')).toBeUndefined()
    // Gone, not merely hidden: the clock going back does not bring it back.
    advance(-TTL_MS)
    expect(cache.fresh('t')).toBeUndefined()
  })

  it('keeps each tenant apart, and a new store replaces the policy and starts its time again', () => {
    const { cache, advance } = withClock()
    cache.store('a', ON)
    advance(TTL_MS / 2)
    cache.store('b', OFF)
    cache.store('a', OFF)
    advance(TTL_MS / 2 + 1)
    expect(cache.fresh('a')).toEqual(OFF)
    expect(cache.fresh('b')).toEqual(OFF)
    advance(TTL_MS / 2)
    expect(cache.fresh('a')).toBeUndefined()
  })

  it('holds at most POLICY_CACHE_MAX_ENTRIES tenants, dropping the least recently stored', () => {
    const { cache } = withClock()
    for (let n = 0; n < POLICY_CACHE_MAX_ENTRIES; n++) cache.store(`t${n}`, OFF)
    // t0 stored again: now the most recent, so t1 goes first.
    cache.store('t0', ON)
    cache.store('new', ON)
    expect(cache.fresh('t0')).toEqual(ON)
    expect(cache.fresh('t1')).toBeUndefined()
    expect(cache.fresh('t2')).toEqual(OFF)
    expect(cache.fresh('new')).toEqual(ON)
  })

  it('clear forgets everything', () => {
    const { cache } = withClock()
    cache.store('a', ON)
    cache.clear()
    expect(cache.fresh('a')).toBeUndefined()
  })
})
