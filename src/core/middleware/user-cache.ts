/**
 * A per-isolate cache of the users SaaSus resolved from ID tokens, so that a
 * repeated read (`GET /mfa_status`) costs one SaaSus round trip instead of two.
 *
 * - Keyed by the SHA-256 (hex) of the token, never the token: a heap dump or a
 *   bug that lists the keys leaks nothing that authenticates.
 * - Bounded: least recently used entries go first once `maxEntries` is reached.
 * - An entry lives at most `ttlSeconds`, and never past the token's own `exp`
 *   when the token is a JWT. The payload is decoded only to read `exp`; identity
 *   always comes from SaaSus, never from the unverified token.
 * - A failed call is never cached. Concurrent misses for one token each make
 *   their own call: sharing the first one's promise would tie the others to a
 *   request that may end (or be cancelled) first, and workerd cancels the
 *   continuations of a promise whose creating request is gone.
 */

import { jwtExpiry, toHex } from '../../shared/tokens'
import type { UserInfo } from '../saasus/types'

/** Enough for every active user of a typical tenant on one isolate; ~1 KiB each. */
export const USER_CACHE_MAX_ENTRIES = 1_000

interface Entry {
  user: UserInfo
  /** Epoch ms after which the entry is not served. */
  expiresAt: number
}

export interface UserCacheOptions {
  /** @default USER_CACHE_MAX_ENTRIES */
  maxEntries?: number
  /** The clock, in epoch ms; tests pass their own. @default Date.now */
  now?: () => number
}

export type UserCache = ReturnType<typeof createUserCache>

export function createUserCache(options: UserCacheOptions = {}) {
  const maxEntries = options.maxEntries ?? USER_CACHE_MAX_ENTRIES
  const now = options.now ?? Date.now
  // A Map iterates in insertion order: re-inserting on a hit keeps the oldest first.
  const entries = new Map<string, Entry>()

  function fresh(key: string): UserInfo | undefined {
    const entry = entries.get(key)
    if (entry === undefined) return undefined
    entries.delete(key)
    if (entry.expiresAt <= now()) return undefined
    entries.set(key, entry)
    return entry.user
  }

  function store(key: string, user: UserInfo, expiresAt: number): void {
    if (expiresAt <= now()) return
    entries.delete(key)
    entries.set(key, { user, expiresAt })
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next().value
      if (oldest === undefined) break
      entries.delete(oldest)
    }
  }

  return {
    /**
     * The user for `token`: from the cache while fresh, else from `resolve`
     * (whose result is then kept). With `ttlSeconds` 0 it always calls `resolve`.
     */
    async resolve(token: string, ttlSeconds: number, resolve: () => Promise<UserInfo>): Promise<UserInfo> {
      if (ttlSeconds <= 0) return resolve()
      const key = await tokenKey(token)
      const cached = fresh(key)
      if (cached !== undefined) return cached
      const started = now()
      const user = await resolve()
      store(key, user, Math.min(started + ttlSeconds * 1000, jwtExpiry(token) ?? Number.POSITIVE_INFINITY))
      return user
    },

    /** The keys held, oldest first (for tests: they must be hashes, never tokens). */
    keys: (): string[] => [...entries.keys()],

    get size(): number {
      return entries.size
    },

    clear(): void {
      entries.clear()
    },
  }
}

const encoder = new TextEncoder()

/** Lowercase hex SHA-256 of the token: the only form in which a token is kept. */
export async function tokenKey(token: string): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', encoder.encode(token)))
}

/** The cache every request on this isolate shares. */
export const userCache = createUserCache()
