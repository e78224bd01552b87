/**
 * How an operator's request to the dead-letter routes is signed: as a webhook is (Standard
 * Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature`, HMAC-SHA256 with
 * SECURITY_WEBHOOK_SECRET), over a payload that also names the request, so that a signature made
 * for one request is good for no other: `<METHOD> <path and query>\n<body>`. Whoever holds the
 * secret (the team that receives the webhooks) may read and replay what did not reach them.
 *
 * No imports: `npm run webhooks` (scripts/webhooks.ts) signs with this too.
 */
export function operatorPayload(method: string, pathAndQuery: string, body: string): string {
  return `${method.toUpperCase()} ${pathAndQuery}\n${body}`
}
