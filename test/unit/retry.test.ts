/** Which failed SaaSus calls a read tries again, and how long it waits first. */
import { describe, expect, it } from 'vitest'
import { SaasusError } from '../../src/core/saasus/failure'
import { isRetryable, retryDelayMs } from '../../src/core/saasus/retry'

describe('isRetryable', () => {
  it.each([
    ['a 5xx', new SaasusError('unavailable', 'Op', { status: 500, cause: 'server_error' })],
    ['a 503', new SaasusError('unavailable', 'Op', { status: 503, cause: 'overloaded' })],
    ['a dropped connection', new SaasusError('unavailable', 'Op', { cause: 'connection' })],
    ['a garbled body', new SaasusError('unavailable', 'Op', { status: 200, cause: 'malformed_response' })],
  ])('retries after %s', (_, error) => {
    expect(isRetryable(error)).toBe(true)
  })

  it.each([
    ['a 429 (SaaSus asked us to back off)', new SaasusError('unavailable', 'Op', { status: 429, cause: 'overloaded' })],
    ['a timeout (the time is spent)', new SaasusError('timeout', 'Op')],
    ['a refused token', new SaasusError('unauthorized', 'Op', { status: 401 })],
    ['a rejection', new SaasusError('rejected', 'Op', { status: 500, upstreamType: 'code_mismatch' })],
    ['a bug', new TypeError('x is undefined')],
  ])('does not retry after %s', (_, error) => {
    expect(isRetryable(error)).toBe(false)
  })
})

describe('retryDelayMs', () => {
  it('waits between 50 and 150 ms', () => {
    expect(retryDelayMs(() => 0)).toBe(50)
    expect(retryDelayMs(() => 0.999_999)).toBe(149)
  })
})
