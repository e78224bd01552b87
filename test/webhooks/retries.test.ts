/**
 * At least once (src/core/webhooks/delivery.ts): a receiver that fails, stalls past the timeout or
 * never takes a webhook. Retries carry the event's `webhook-id`; after the consumer's last retry
 * (wrangler.core.toml `max_retries`) the webhook is a dead letter, listed and replayed by an
 * operator who signs with the webhook secret (src/core/routes/webhooks.ts).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { freshUser, setup } from '../support/harness'
import {
  acceptedEventually,
  asOperator,
  attemptsAt,
  deadLetters,
  eventually,
  type ListedDeadLetter,
  steer,
} from '../support/webhooks'

/** wrangler.core.toml's max_retries of the webhook queue's consumer: a dead letter after 1 + 7 attempts. */
const MAX_RETRIES = 7

afterEach(() => steer({}))

/** A fresh user whose events the receiver treats as `behaviour` says, and their first webhook's id. */
async function userSteered(behaviour: Parameters<typeof steer>[0]) {
  const user = await freshUser()
  await steer({ ...behaviour, user_ids: [user.id] })
  await setup(user)
  return user
}

const attemptsEventually = (webhookId: string, count: number) =>
  eventually(async () => {
    const seen = await attemptsAt(webhookId)
    return seen.length >= count ? seen : undefined
  }, `${count} attempts at ${webhookId}`)

/** The user's first webhook, once it is a dead letter (1 + MAX_RETRIES attempts, retried at once here). */
const deadLetterOf = (userId: string) =>
  eventually<ListedDeadLetter>(
    async () => (await deadLetters()).dead_letters.find((letter) => JSON.parse(letter.body).data.user_id === userId),
    `a dead letter of ${userId}`,
    40_000,
  )

// A dead letter takes 1 + MAX_RETRIES batches of the queue (a second's batch timeout each, retried at once here).
describe('retries', () => {
  it('tries a failing receiver again under the same webhook-id until it takes the webhook', async () => {
    const user = await userSteered({ flaky_share: 1, flaky_failures: 2 })
    const [event] = await acceptedEventually(user.id, 1)
    const attempts = await attemptsAt(event?.webhook_id ?? '')
    expect(attempts.map((attempt) => [attempt.attempt, attempt.answered, attempt.verified])).toEqual([
      [1, 503, true],
      [2, 503, true],
      [3, 204, true],
    ])
    expect(event?.attempts).toBe(3)
  })

  it('counts a receiver that answers past the timeout as failed, and sends a duplicate with the same id', {
    timeout: 30_000,
  }, async () => {
    const user = await userSteered({ stall_share: 1, stall_ms: 2_500 })
    const [event] = await acceptedEventually(user.id, 1)
    const attempts = await attemptsEventually(event?.webhook_id ?? '', 2)
    expect(attempts.map((attempt) => attempt.plan)).toEqual(['stall', 'stall'])
    expect(new Set(attempts.map((attempt) => attempt.webhook_id)).size).toBe(1)
    // Both signed, each with its own timestamp: the receiver verified both.
    expect(attempts.every((attempt) => attempt.verified)).toBe(true)
  })

  it('makes a webhook the receiver never takes a dead letter after the last retry, and replays it', {
    timeout: 90_000,
  }, async () => {
    const user = await userSteered({ doomed_share: 1 })
    const letter = await deadLetterOf(user.id)
    expect(letter).toMatchObject({ deaths: 1, replayable: true })
    expect(JSON.parse(letter.body)).toMatchObject({ type: 'authenticator_setup', data: { user_id: user.id } })
    const attempts = await attemptsAt(letter.webhook_id)
    expect(attempts).toHaveLength(1 + MAX_RETRIES)
    expect(attempts.every((attempt) => attempt.answered === 503 && attempt.verified)).toBe(true)

    // The receiver is back: the operator replays it, and it arrives under its own id.
    await steer({})
    const replay = await asOperator('/webhooks/dead_letters/replay', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ webhook_ids: [letter.webhook_id] }),
    })
    expect(replay.status).toBe(200)
    expect(await replay.json()).toMatchObject({ replayed: [letter.webhook_id] })
    const [event] = await acceptedEventually(user.id, 1)
    expect(event?.webhook_id).toBe(letter.webhook_id)
    expect((await deadLetters()).dead_letters.map((kept) => kept.webhook_id)).not.toContain(letter.webhook_id)
  })

  it('counts a replayed webhook that dies again as a second death', { timeout: 120_000 }, async () => {
    const user = await userSteered({ doomed_share: 1 })
    const letter = await deadLetterOf(user.id)
    const replay = await asOperator('/webhooks/dead_letters/replay', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ webhook_ids: [letter.webhook_id] }),
    })
    expect(replay.status).toBe(200)
    const again = await eventually(
      async () => {
        const kept = (await deadLetters()).dead_letters.find((each) => each.webhook_id === letter.webhook_id)
        return kept && kept.deaths === 2 ? kept : undefined
      },
      'the second death',
      40_000,
    )
    expect(again.body).toBe(letter.body)
    expect(await attemptsAt(letter.webhook_id)).toHaveLength(2 * (1 + MAX_RETRIES))
  })

  it('pages through every dead letter with next_cursor, each once', { timeout: 120_000 }, async () => {
    const user = await userSteered({ doomed_share: 1 })
    await setup(user)
    await setup(user)
    await eventually(
      async () => {
        const mine = (await deadLetters()).dead_letters.filter((kept) => JSON.parse(kept.body).data.user_id === user.id)
        return mine.length === 3 ? mine : undefined
      },
      'three dead letters of the user',
      60_000,
    )

    const seen: string[] = []
    let cursor: string | null = null
    for (let page = 0; page < 1_000; page++) {
      const res = await asOperator(`/webhooks/dead_letters?limit=1${cursor ? `&cursor=${cursor}` : ''}`)
      expect(res.status).toBe(200)
      const body = (await res.json()) as { next_cursor: string | null; dead_letters: ListedDeadLetter[] }
      seen.push(...body.dead_letters.map((letter) => letter.webhook_id))
      cursor = body.next_cursor
      if (cursor === null) break
    }
    expect(cursor).toBeNull()
    expect(new Set(seen).size).toBe(seen.length)
    const mine = (await deadLetters()).dead_letters.filter((kept) => JSON.parse(kept.body).data.user_id === user.id)
    for (const letter of mine) expect(seen).toContain(letter.webhook_id)

    const bogus = await asOperator('/webhooks/dead_letters?cursor=bm90LW91cnM')
    expect(bogus.status).toBe(400)
    expect(await bogus.json()).toMatchObject({ code: 'invalid_request', field: 'cursor' })
  })
})
