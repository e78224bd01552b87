/**
 * The user cache on its own, with a clock the tests move: what it keeps, for
 * how long, and that it keeps only a hash of each token.
 */
import { describe, expect, it } from 'vitest'
import { createUserCache, tokenKey } from '../../src/core/middleware/user-cache'
import type { UserInfo } from '../../src/core/saasus/types'
import { unsignedJwt } from '../support/tokens'

const user = (id: string): UserInfo => ({
  id,
  email: `${id}@example.com`,
  sign_in_id: '',
  user_attribute: {},
  tenants: [],
})

function harness(options: { maxEntries?: number } = {}) {
  let clock = 1_700_000_000_000
  const cache = createUserCache({ ...options, now: () => clock })
  let calls = 0
  const resolveAs = (id: string) => async () => {
    calls += 1
    return user(id)
  }
  return {
    cache,
    resolveAs,
    calls: () => calls,
    advance: (ms: number) => {
      clock += ms
    },
    now: () => clock,
  }
}

describe('createUserCache', () => {
  it('resolves a repeated token once within the TTL', async () => {
    const h = harness()
    await h.cache.resolve('token-a', 60, h.resolveAs('a'))
    const again = await h.cache.resolve('token-a', 60, h.resolveAs('a'))
    expect(again.id).toBe('a')
    expect(h.calls()).toBe(1)
  })

  it('resolves again once the TTL has passed', async () => {
    const h = harness()
    await h.cache.resolve('token-a', 60, h.resolveAs('a'))
    h.advance(60_000)
    await h.cache.resolve('token-a', 60, h.resolveAs('a'))
    expect(h.calls()).toBe(2)
  })

  it('with a TTL of 0 always resolves and keeps nothing', async () => {
    const h = harness()
    await h.cache.resolve('token-a', 0, h.resolveAs('a'))
    await h.cache.resolve('token-a', 0, h.resolveAs('a'))
    expect(h.calls()).toBe(2)
    expect(h.cache.size).toBe(0)
  })

  it("never keeps a user past the JWT's exp, even within the TTL", async () => {
    const h = harness()
    const token = unsignedJwt({ exp: Math.floor(h.now() / 1000) + 5 })
    await h.cache.resolve(token, 60, h.resolveAs('a'))
    h.advance(4_000)
    await h.cache.resolve(token, 60, h.resolveAs('a'))
    expect(h.calls()).toBe(1)
    h.advance(1_000)
    await h.cache.resolve(token, 60, h.resolveAs('a'))
    expect(h.calls()).toBe(2)
  })

  it('does not keep the user of a JWT that has already expired', async () => {
    const h = harness()
    await h.cache.resolve(unsignedJwt({ exp: Math.floor(h.now() / 1000) - 1 }), 60, h.resolveAs('a'))
    expect(h.cache.size).toBe(0)
  })

  it('keys entries by the SHA-256 hex of the token, never the token', async () => {
    const h = harness()
    const token = unsignedJwt({ exp: Math.floor(h.now() / 1000) + 600, sub: 'a' })
    await h.cache.resolve(token, 60, h.resolveAs('a'))
    expect(h.cache.keys()).toEqual([await tokenKey(token)])
    expect(h.cache.keys()[0]).toMatch(/^[0-9a-f]{64}$/)
  })

  it('evicts the least recently used entry beyond maxEntries', async () => {
    const h = harness({ maxEntries: 2 })
    await h.cache.resolve('token-a', 60, h.resolveAs('a'))
    await h.cache.resolve('token-b', 60, h.resolveAs('b'))
    await h.cache.resolve('token-a', 60, h.resolveAs('a')) // a is now the most recent
    await h.cache.resolve('token-c', 60, h.resolveAs('c'))
    expect(h.cache.keys()).toEqual([await tokenKey('token-a'), await tokenKey('token-c')])
  })

  it('lets concurrent misses each resolve, sharing no promise across requests', async () => {
    const h = harness()
    await Promise.all([
      h.cache.resolve('token-a', 60, h.resolveAs('a')),
      h.cache.resolve('token-a', 60, h.resolveAs('a')),
    ])
    expect(h.calls()).toBe(2)
    await h.cache.resolve('token-a', 60, h.resolveAs('a'))
    expect(h.calls()).toBe(2)
  })

  it('does not keep a failed resolution', async () => {
    const h = harness()
    const failing = async (): Promise<UserInfo> => {
      throw new Error('refused')
    }
    await expect(h.cache.resolve('token-a', 60, failing)).rejects.toThrow('refused')
    await h.cache.resolve('token-a', 60, h.resolveAs('a'))
    expect(h.calls()).toBe(1)
  })
})
