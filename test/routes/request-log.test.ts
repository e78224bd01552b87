/**
 * REQUEST_LOG: every request gets its log line by default; `failures` keeps only
 * the requests answered with an error code (for deployments whose log volume
 * matters more than a line per success).
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { apiWith, bearer, freshUser } from '../support/harness'

function loggedRequests(spy: { mock: { calls: unknown[][] } }): { status: number; code?: string }[] {
  return spy.mock.calls
    .map(([line]) => (typeof line === 'string' && line.startsWith('{') ? JSON.parse(line) : null))
    .filter((line) => line?.event === 'request')
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('REQUEST_LOG', () => {
  it('logs every request by default', async () => {
    const user = await freshUser()
    const spy = vi.spyOn(console, 'log')
    const api = apiWith({})
    await api('/mfa_status', { headers: bearer(user) })
    await api('/mfa_status', { headers: { Authorization: 'Bearer nope' } })
    expect(loggedRequests(spy).map((line) => line.status)).toEqual([200, 401])
  })

  it('with "failures", logs only the requests answered with an error code', async () => {
    const user = await freshUser()
    const spy = vi.spyOn(console, 'log')
    const api = apiWith({ REQUEST_LOG: 'failures' })
    await api('/mfa_status', { headers: bearer(user) })
    await api('/mfa_status', { headers: { Authorization: 'Bearer nope' } })
    expect(loggedRequests(spy)).toEqual([expect.objectContaining({ status: 401, code: 'invalid_token' })])
  })
})
