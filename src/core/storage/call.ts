/**
 * One RPC round trip from a route to a Durable Object (an account object, a tenant's policy),
 * counted for the request log. An object out of reach (the call throws), or one that answers its
 * storage failed (`Unavailable`, ./faults.ts), is `503 storage_unavailable`.
 */
import { ApiError } from '../../shared/errors'
import type { AppEnv } from '../app-env'
import { isUnavailable, StorageFault, type Unavailable } from './faults'

/** What of a route's context a round trip reads: any route of the app's env passes. */
export interface StorageContext {
  get(key: 'storageCalls'): AppEnv['Variables']['storageCalls']
  set(key: 'storageCalls', value: number): void
}

/** Counts a round trip an object made on the caller's behalf (one it called in turn). */
export function countStorageCall(c: StorageContext): void {
  c.set('storageCalls', (c.get('storageCalls') ?? 0) + 1)
}

export async function storageCall<T extends object>(
  c: StorageContext,
  operation: string,
  run: () => PromiseLike<T>,
): Promise<Exclude<T, Unavailable>> {
  countStorageCall(c)
  try {
    const answer = await run()
    if (isUnavailable(answer)) throw new StorageFault(answer.point)
    return answer as Exclude<T, Unavailable>
  } catch (error) {
    // The error's own words, bounded and reduced to plain characters: it never carries a request's data.
    const cause =
      error instanceof Error ? `${error.name}: ${error.message}`.replace(/[^\w .:-]/g, '_').slice(0, 120) : 'unknown'
    console.error(JSON.stringify({ level: 'error', event: 'storage_failed', operation, cause }))
    throw new ApiError('storage_unavailable', { cause: error })
  }
}
