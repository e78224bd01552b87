/**
 * One structured log line per failed SaaSus call, for the operator: the
 * operation, the status, SaaSus's `type` and message (redacted and bounded by
 * redact.ts), the rule that decided, and the `X-Saasus-Trace-Id` SaaSus answered
 * with (to quote to SaaSus support). Our own credentials refused is logged at
 * error level with the setting most likely at fault; an outage is a warning; a
 * refusal the user caused is information.
 */
import type { SaasusError } from './failure'

const LEVEL = {
  misconfigured: 'error',
  unavailable: 'warn',
  timeout: 'warn',
  throttled: 'info',
  unauthorized: 'info',
  rejected: 'info',
} as const

export function logFailure(error: SaasusError, outcome: 'retried' | 'final' = 'final'): void {
  const { status, upstreamType, upstreamMessage, refusal, rule, likelyCause, traceId, cause } = error.detail
  const level = LEVEL[error.kind]
  const line = {
    level,
    event: error.kind === 'misconfigured' ? 'saasus_credentials_refused' : 'saasus_call_failed',
    operation: error.operation,
    verdict: error.kind,
    ...(refusal ? { refusal } : {}),
    ...(rule ? { rule } : {}),
    ...(status !== undefined ? { status } : {}),
    ...(upstreamType !== undefined ? { type: upstreamType } : {}),
    ...(upstreamMessage !== undefined ? { message: upstreamMessage } : {}),
    ...(cause ? { cause } : {}),
    ...(likelyCause ? { likelyCause } : {}),
    ...(traceId ? { saasusTraceId: traceId } : {}),
    ...(outcome === 'retried' ? { retried: true } : {}),
  }
  const text = JSON.stringify(line)
  if (level === 'error') console.error(text)
  else if (level === 'warn') console.warn(text)
  else console.log(text)
}
