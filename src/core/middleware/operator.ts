/**
 * The dead-letter routes' guard: a request signed with SECURITY_WEBHOOK_SECRET, as the webhooks
 * themselves are (src/core/webhooks/operator.ts says over what), checked with the `standardwebhooks`
 * package: a signature of another request, another secret or more than five minutes old is refused.
 * Without webhooks there is nothing to guard: `404 webhooks_off`.
 */
import type { MiddlewareHandler } from 'hono'
import { Webhook } from 'standardwebhooks'
import { ApiError } from '../../shared/errors'
import type { AppEnv } from '../app-env'
import { configFor } from '../config'
import { documented } from '../openapi/describe'
import { operatorPayload } from '../webhooks/operator'

export const requireOperator = (): MiddlewareHandler<AppEnv> =>
  documented(
    async function requireOperatorHandler(c, next) {
      const webhooks = configFor(c.env).webhooks
      if (!webhooks) throw new ApiError('webhooks_off')
      const url = new URL(c.req.url)
      // `jsonBody` read it first, where the route has a body: Hono's cached copy of the same bytes.
      const payload = operatorPayload(c.req.method, url.pathname + url.search, await c.req.text())
      const headers = {
        'webhook-id': c.req.header('webhook-id') ?? '',
        'webhook-timestamp': c.req.header('webhook-timestamp') ?? '',
        'webhook-signature': c.req.header('webhook-signature') ?? '',
      }
      try {
        new Webhook(webhooks.secret).verify(payload, headers, { jsonParse: false })
      } catch (error) {
        throw new ApiError('invalid_operator_signature', { cause: error })
      }
      await next()
    },
    {
      parameters: ['WebhookId', 'WebhookTimestamp', 'WebhookSignature'],
      errors: ['webhooks_off', 'invalid_operator_signature'],
    },
  )
