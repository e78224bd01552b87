/**
 * The webhook queues as wrangler reads wrangler.core.toml: what the code assumes of them holds
 * (src/core/webhooks/). The retry delays' default has one delay per retry of the consumer, both
 * queues are producer bindings (so `wrangler deploy` creates them), the dead-letter queue is named
 * as the consumer tells one (`-dead-letters`) and is consumed, so its letters are kept, not expired.
 */
import { describe, expect, it } from 'vitest'
import { unstable_readConfig } from 'wrangler'
import { DEFAULT_RETRY_DELAYS } from '../src/core/webhooks/settings.ts'

const config = unstable_readConfig({ config: 'wrangler.core.toml' })
const consumers: { queue: string; max_retries?: number; dead_letter_queue?: string }[] = config.queues.consumers ?? []
const producers: { binding: string; queue: string }[] = config.queues.producers ?? []
const webhooks = consumers.find((consumer) => consumer.dead_letter_queue !== undefined)

describe('wrangler.core.toml', () => {
  it('retries each webhook once per default delay, then dead-letters it', () => {
    expect(webhooks?.max_retries).toBe(DEFAULT_RETRY_DELAYS.length)
    expect(config.vars.SECURITY_WEBHOOK_RETRY_DELAYS).toBe(DEFAULT_RETRY_DELAYS.join(','))
  })

  it('binds both queues as producers, so that a deploy creates them', () => {
    expect(producers.map((producer) => [producer.binding, producer.queue])).toEqual([
      ['WEBHOOKS', webhooks?.queue],
      ['WEBHOOK_DEAD_LETTERS', webhooks?.dead_letter_queue],
    ])
  })

  it('consumes the dead-letter queue, named as the consumer tells one', () => {
    expect(webhooks?.dead_letter_queue).toMatch(/-dead-letters$/)
    expect(consumers.map((consumer) => consumer.queue)).toContain(webhooks?.dead_letter_queue)
  })

  it('ships with webhooks off', () => {
    expect(config.vars.SECURITY_WEBHOOK_URL).toBe('')
    expect(config.secrets?.required ?? []).not.toContain('SECURITY_WEBHOOK_SECRET')
  })
})
