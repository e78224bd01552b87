/**
 * A trace: the `X-SaaSus-Trace-Id` a test sends with its requests, which the API
 * forwards on every SaaSus call. The emulator scopes faults to it and records
 * the calls made under it, so tests running side by side each break and count
 * their own calls only. The fault types are the emulator's own
 * (emulator/src/faults.ts, emulator/src/calls.ts).
 */
import type { SeenCall } from '../../emulator/src/calls'
import type { FaultsInput } from '../../emulator/src/faults'
import { EMULATOR } from './harness'

/**
 * A new trace id whose SaaSus calls get these faults, and no others: an empty
 * set still shields the trace from faults set for every call.
 *
 * @example const traceId = await newTrace({ serverErrorRate: 1, methods: ['PUT'] }) // only the verification fails
 */
export async function newTrace(faults: FaultsInput = {}): Promise<string> {
  const traceId = `test-${crypto.randomUUID()}`
  const res = await fetch(`${EMULATOR}/_emulator/faults?traceId=${traceId}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(faults),
  })
  if (!res.ok) throw new Error(`emulator refused faults: ${res.status}`)
  return traceId
}

export interface SaasusCalls {
  total: number
  /** By `METHOD /v1/auth/path`, user ids as `{user_id}`: e.g. `GET /v1/auth/userinfo`. */
  byOperation: Record<string, number>
  /** In the order they were made, with the referers the API forwarded. */
  calls: SeenCall[]
}

/** The SaaSus calls made under a trace so far, faulted ones included. */
export async function saasusCalls(traceId: string): Promise<SaasusCalls> {
  const calls = (await (await fetch(`${EMULATOR}/_emulator/traces/${traceId}`)).json()) as SeenCall[]
  const byOperation: Record<string, number> = {}
  for (const { operation } of calls) byOperation[operation] = (byOperation[operation] ?? 0) + 1
  return { total: calls.length, byOperation, calls }
}
export type { FaultsInput } from '../../emulator/src/faults'
