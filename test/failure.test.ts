/**
 * How SaaSus failures are classified. The MFA operations document only
 * `500 Error`, so these cases are the written rule for telling a refusal of the
 * request from an outage (see src/saasus/failure.ts and the README).
 */
import { describe, expect, it } from 'vitest'
import { classifyResponse } from '../src/saasus/failure'

const errorBody = (type: string) => JSON.stringify({ type, message: 'whatever SaaSus says' })
const kindOf = (status: number, body: string) => classifyResponse('Op', status, body).kind

describe('classifyResponse', () => {
  it('reads 401 and 403 as the caller being unauthorized', () => {
    expect(kindOf(401, errorBody('invalid_id_token'))).toBe('unauthorized')
    expect(kindOf(403, '')).toBe('unauthorized')
  })

  it('reads an invalid_access_token Error as unauthorized, whatever the status', () => {
    expect(kindOf(500, errorBody('invalid_access_token'))).toBe('unauthorized')
  })

  it('reads other 4xx answers as a rejection of the request', () => {
    expect(kindOf(400, errorBody('invalid_parameter'))).toBe('rejected')
    expect(kindOf(404, '')).toBe('rejected')
  })

  it('reads 429 as SaaSus shedding load, not as a fault of the request', () => {
    const error = classifyResponse('Op', 429, '')
    expect(error.kind).toBe('unavailable')
    expect(error.detail.cause).toBe('overloaded')
  })

  it('reads a 500 carrying a typed SaaSus Error as a rejection (e.g. a wrong code)', () => {
    expect(kindOf(500, errorBody('code_mismatch'))).toBe('rejected')
    expect(kindOf(500, errorBody('software_token_not_registered'))).toBe('rejected')
  })

  it('reads a 500 internal_server_error as an outage', () => {
    expect(kindOf(500, errorBody('internal_server_error'))).toBe('unavailable')
    expect(kindOf(500, errorBody('INTERNAL_SERVER_ERROR'))).toBe('unavailable')
  })

  it('reads a 500 without a well-formed Error body as an outage', () => {
    expect(kindOf(500, '<html>Bad gateway</html>')).toBe('unavailable')
    expect(kindOf(500, JSON.stringify({ message: 'no type' }))).toBe('unavailable')
    expect(kindOf(500, '')).toBe('unavailable')
  })

  it('reads 502, 503 and 504 as outages, even with a typed body', () => {
    for (const status of [502, 503, 504]) expect(kindOf(status, errorBody('code_mismatch'))).toBe('unavailable')
  })

  it('keeps the status and the Error type for logs, and nothing else of the body', () => {
    const error = classifyResponse('UpdateSoftwareToken', 500, errorBody('code_mismatch'))
    expect(error.detail).toEqual({ status: 500, upstreamType: 'code_mismatch' })
    expect(error.message).not.toContain('whatever SaaSus says')
  })
})
