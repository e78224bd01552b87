/**
 * The user cache on its own, with a clock the tests move: what it keeps, for
 * how long, and that it keeps only a hash of each token.
 */
import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../src/config'
import type { UserInfo } from '../src/saasus/types'
import { jwtExpiry } from '../src/tokens'
import { createUserCache, tokenKey } from '../src/user-cache'

const user = (id: string): UserInfo => ({
  id,
  email: `${id}@example.com`,
  sign_in_id: '',
  user_attribute: {},
  tenants: [],
})

const base64url = (value: object) =>
  btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')
const jwt = (payload: object) => `${base64url({ alg: 'RS256' })}.${base64url(payload)}.signature`

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
    const token = jwt({ exp: Math.floor(h.now() / 1000) + 5 })
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
    await h.cache.resolve(jwt({ exp: Math.floor(h.now() / 1000) - 1 }), 60, h.resolveAs('a'))
    expect(h.cache.size).toBe(0)
  })

  it('keys entries by the SHA-256 hex of the token, never the token', async () => {
    const h = harness()
    const token = jwt({ exp: Math.floor(h.now() / 1000) + 600, sub: 'a' })
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

describe('jwtExpiry', () => {
  it('reads a numeric exp as epoch ms', () => {
    expect(jwtExpiry(jwt({ exp: 1_800_000_000 }))).toBe(1_800_000_000_000)
  })

  it('gives nothing for an opaque token, a bad payload or a non-numeric exp', () => {
    expect(jwtExpiry('opaque-token')).toBeUndefined()
    expect(jwtExpiry('a.!!!.c')).toBeUndefined()
    expect(jwtExpiry(jwt({ exp: 'tomorrow' }))).toBeUndefined()
  })
})

describe('USER_CACHE_TTL_SECONDS', () => {
  const secrets = { SAASUS_SAAS_ID: 'saas', SAASUS_API_KEY: 'key', SAASUS_SECRET_KEY: 'secret' }

  it('defaults to 60 seconds and accepts 0 (off)', () => {
    expect(parseConfig(secrets).userCacheTtlSeconds).toBe(60)
    expect(parseConfig({ ...secrets, USER_CACHE_TTL_SECONDS: '0' }).userCacheTtlSeconds).toBe(0)
  })

  it('rejects a value that is not whole seconds within an hour, naming the variable', () => {
    for (const value of ['-1', '3601', 'soon', '1.5']) {
      expect(() => parseConfig({ ...secrets, USER_CACHE_TTL_SECONDS: value })).toThrow(ConfigError)
      expect(() => parseConfig({ ...secrets, USER_CACHE_TTL_SECONDS: value })).toThrow(/USER_CACHE_TTL_SECONDS/)
    }
  })
})
