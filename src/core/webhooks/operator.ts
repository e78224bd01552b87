/**
 * How an operator's request to the dead-letter routes is signed: as a webhook is (Standard
 * Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature`, HMAC-SHA256 with
 * SECURITY_WEBHOOK_SECRET), over a payload that also names the request, so that a signature made
 * for one request is good for no other: `<METHOD> <path and query>\n<body>`. Whoever holds the
 * secret (the team that receives the webhooks) may read and replay what did not reach them.
 *
 * No relative imports: `npm run webhooks` (scripts/operator-request.ts) signs with this too.
 */
import { Webhook } from 'standardwebhooks'

export function operatorPayload(method: string, pathAndQuery: string, body: string): string {
  return `${method.toUpperCase()} ${pathAndQuery}\n${body}`
}

/** The three headers of a signed request, under a fresh id, made at `at`. */
export function operatorHeaders(
  secret: string,
  request: { method: string; pathAndQuery: string; body: string },
  at = new Date(),
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const id = `op_${crypto.randomUUID()}`
  const payload = operatorPayload(request.method, request.pathAndQuery, request.body)
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, payload),
  }
}
