/**
 * Security webhooks' dead letters (docs/webhooks.md, "Dead letters"): what the receiver never took
 * within the retries, kept by the dead-letter object (src/core/webhooks/dead-letters.ts), listed and
 * sent again for whoever holds SECURITY_WEBHOOK_SECRET (the `operator` guard).
 */
import { Hono } from 'hono'
import { ApiError } from '../../shared/errors'
import { ROUTES } from '../../shared/routes'
import type { AppEnv } from '../app-env'
import { cursorAfter, cursorPosition } from '../cursor'
import {
  type DeadLettersResponse,
  deadLettersLimit,
  deadLettersResponse,
  pageCursor,
  type ReplayResponse,
  replayRequest,
  replayResponse,
} from '../schemas'
import { storageCall } from '../storage/call'
import type { DeadLetterPosition } from '../webhooks/dead-letter-protocol'
import { DEAD_LETTER_ID } from '../webhooks/message'
import { deadLetterBox } from '../webhooks/objects'
import { guarded } from './route'

const { listWebhookDeadLetters, replayWebhookDeadLetters } = ROUTES

const PAGE_DEFAULT = 100
const EXAMPLE_ID = 'msg_2mK9vQ0bXrT4yLw8ZcN1aQ'
const EXAMPLE_BODY =
  '{"type":"mfa_disabled","timestamp":"2026-12-08T09:00:00.000Z","data":{"user_id":"d266c5fc-6028-43cb-a86e-77c8571c3494","country":"JP","user_agent":"Mozilla/5.0"}}'

/** The letter a `cursor` names the page after (`<dead_at>.<id>` inside), or a 400 naming it. */
function deadLetterCursor(cursor: string | undefined): DeadLetterPosition | undefined {
  if (cursor === undefined) return undefined
  const [deadAt = '', id = ''] = cursorPosition(cursor)?.split(/\.(.*)/) ?? []
  if (!/^\d{1,15}$/.test(deadAt) || !DEAD_LETTER_ID.test(id)) {
    throw new ApiError('invalid_request', { field: { name: 'cursor', problem: 'is not a cursor this API handed out' } })
  }
  return { deadAt: Number(deadAt), id }
}

export const webhookRoutes = new Hono<AppEnv>()
  .on(
    listWebhookDeadLetters.method,
    listWebhookDeadLetters.path,
    guarded(listWebhookDeadLetters, {
      summary: 'The webhooks the receiver never took, oldest first (operators)',
      description:
        'Signed with SECURITY_WEBHOOK_SECRET as a webhook is, over the request (docs/webhooks.md); `npm run webhooks` signs for you.',
      query: [
        {
          name: 'cursor',
          required: false,
          description: 'The `next_cursor` of the page before; none for the first page',
          schema: pageCursor,
        },
        {
          name: 'limit',
          required: false,
          description: `At most this many (1 to 100; default ${PAGE_DEFAULT})`,
          schema: deadLettersLimit,
        },
      ],
      response: {
        schema: deadLettersResponse,
        example: {
          depth: 1,
          next_cursor: null,
          dead_letters: [
            {
              webhook_id: EXAMPLE_ID,
              dead_at: '2026-12-09T06:12:00.000Z',
              deaths: 1,
              replayable: true,
              body: EXAMPLE_BODY,
            },
          ],
        },
      },
      errors: ['storage_unavailable'],
    }),
    async (c) => {
      // Checked by the route's `query` guard against the schemas above.
      const limit = c.req.query('limit')
      const after = deadLetterCursor(c.req.query('cursor'))
      const { depth, letters, more } = await storageCall(c, 'deadLetters', () =>
        deadLetterBox(c.env).list(limit === undefined ? PAGE_DEFAULT : Number(limit), after),
      )
      const last = letters.at(-1)
      const answer: DeadLettersResponse = {
        depth,
        next_cursor: more && last ? cursorAfter(`${last.deadAt}.${last.id}`) : null,
        dead_letters: letters.map((letter) => ({
          webhook_id: letter.id,
          dead_at: new Date(letter.deadAt).toISOString(),
          deaths: letter.deaths,
          replayable: letter.replayable,
          body: letter.body,
        })),
      }
      return c.json(answer)
    },
  )

  .on(
    replayWebhookDeadLetters.method,
    replayWebhookDeadLetters.path,
    guarded(replayWebhookDeadLetters, {
      summary: 'Sends dead letters to the webhook queue again, under their own ids (operators)',
      description:
        'Each goes through the retries again, with the same `webhook-id`; one the queue took is no longer kept. ' +
        'Signed as the list is.',
      requestBody: { schema: replayRequest, example: { webhook_ids: [EXAMPLE_ID] } },
      response: { schema: replayResponse, example: { replayed: [EXAMPLE_ID], depth: 0 } },
      errors: ['storage_unavailable'],
    }),
    async (c) => {
      const { webhook_ids, limit } = c.req.valid('json')
      const { replayed, depth } = await storageCall(c, 'replayDeadLetters', () =>
        deadLetterBox(c.env).replay(webhook_ids, limit ?? PAGE_DEFAULT),
      )
      const answer: ReplayResponse = { replayed, depth }
      return c.json(answer)
    },
  )
