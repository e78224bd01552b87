/**
 * The emulator's webhook receiver (never part of SaaSus): a local stand-in for the SaaS team's
 * endpoint that the API's security webhooks (src/core/webhooks/delivery.ts) are POSTed to. It
 * verifies each with the `standardwebhooks` package, records it, and answers as its behaviour says,
 * decided per webhook-id, so that the API's retries, timeouts and dead letters can be watched.
 *
 *   POST   /_emulator/webhooks                     → 204, a planned failure, 401 {error:"signature"} or 400
 *   GET    /_emulator/webhooks[?since=n][&summary=1] → {behaviour, attempts, accepted, next}
 *   PUT    /_emulator/webhooks/behaviour {…}         → the behaviour
 *   DELETE /_emulator/webhooks                      → 204: records, counts and behaviour forgotten
 */
import { Hono } from 'hono'
import { Webhook, WebhookVerificationError } from 'standardwebhooks'
import { z } from 'zod'
import { DEV_WEBHOOK_SECRET } from './credentials'
import type { EmulatorEnv } from './env'

const share = z.number().min(0).max(1).default(0)

/** How the receiver answers: shares of webhook-ids, each given one plan for all its attempts. */
export const behaviourSchema = z
  .strictObject({
    /** Every attempt fails: the API retries until it dead-letters the webhook. */
    doomed_share: share,
    /** The first `flaky_failures` attempts fail, then 204. */
    flaky_share: share,
    flaky_failures: z.number().int().min(1).max(100).default(2),
    /** The first attempt answers 204 only after `stall_ms`, past a shorter sender timeout; later ones at once. */
    stall_share: share,
    stall_ms: z.number().int().min(0).max(120_000).default(15_000), // 15 s: past the API's default 10 s timeout
    /** What a failing attempt is answered. */
    failure_status: z.number().int().min(400).max(599).default(503),
    /** Only these users' webhooks (`data.user_id`) follow the plans, the rest are ok: for tests side by side. */
    user_ids: z.array(z.string().min(1)).max(1_000).optional(),
  })
  // A little slack: 0.33 + 0.56 + 0.11 is 1.0000000000000002 in floating point.
  .refine((b) => b.doomed_share + b.flaky_share + b.stall_share <= 1 + 1e-9, {
    message: 'doomed_share + flaky_share + stall_share must be at most 1',
  })

export type Behaviour = z.infer<typeof behaviourSchema>
export type Plan = 'ok' | 'flaky' | 'stall' | 'doomed'

/** One POST as the receiver saw it. */
export interface Attempt {
  webhook_id: string
  /** 1-based, counted per webhook-id by the receiver (refused signatures included). */
  attempt: number
  received_at: string
  webhook_timestamp: string
  verified: boolean
  plan: Plan
  answered: number
  /** The body, parsed, when its signature was good. */
  event?: Record<string, unknown>
}

interface IdState {
  attempts: number
  /** The first attempt answered 2xx: its absolute index and event. */
  accepted?: { index: number; event: Record<string, unknown> }
}

const DEFAULT_BEHAVIOUR: Behaviour = behaviourSchema.parse({})
/** How many attempts, and webhook-ids with their counts, are kept: the newest. */
const MAX_RECORDS = 100_000

let behaviour = DEFAULT_BEHAVIOUR
const attempts: Attempt[] = []
/** Attempts let go of since the last clear: the absolute index (`since`) of attempts[0]. */
let dropped = 0
/** In first-received order (a Map keeps insertion order). */
const ids = new Map<string, IdState>()

function remember(attempt: Attempt): number {
  attempts.push(attempt)
  if (attempts.length > MAX_RECORDS) {
    attempts.shift()
    dropped += 1
  }
  return dropped + attempts.length - 1
}

function countAttempt(webhookId: string): IdState {
  const state = ids.get(webhookId) ?? { attempts: 0 }
  if (state.attempts === 0) ids.set(webhookId, state)
  if (ids.size > MAX_RECORDS) ids.delete(ids.keys().next().value as string)
  state.attempts += 1
  return state
}

/** The id's place in [0, 1): the first 4 bytes of its SHA-256, so the same id always gets the same plan. */
async function positionOf(webhookId: string): Promise<number> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(webhookId))
  return new DataView(digest).getUint32(0) / 2 ** 32
}

/** Whether a webhook follows the plans: every one, or only those of the users named. */
function followsPlans(event: Record<string, unknown> | undefined, b: Behaviour): boolean {
  if (!b.user_ids) return true
  const data = event?.data as { user_id?: unknown } | undefined
  return typeof data?.user_id === 'string' && b.user_ids.includes(data.user_id)
}

/** Disjoint ranges from 0: doomed, then flaky, then stall; the rest are ok. */
function planAt(position: number, b: Behaviour): Plan {
  if (position < b.doomed_share) return 'doomed'
  if (position < b.doomed_share + b.flaky_share) return 'flaky'
  if (position < b.doomed_share + b.flaky_share + b.stall_share) return 'stall'
  return 'ok'
}

function answerFor(plan: Plan, attempt: number, b: Behaviour): { status: number; delayMs: number } {
  if (plan === 'doomed' || (plan === 'flaky' && attempt <= b.flaky_failures)) {
    return { status: b.failure_status, delayMs: 0 }
  }
  return { status: 204, delayMs: plan === 'stall' && attempt === 1 ? b.stall_ms : 0 }
}

/** Whether the signature is good (`verified`), and the body parsed if it is a JSON object, or why not. */
function check(secret: string, rawBody: string, headers: Record<string, string>) {
  try {
    new Webhook(secret).verify(rawBody, headers, { jsonParse: false })
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error
    return { verified: false, detail: error.message } as const
  }
  const event = parseObject(rawBody)
  return event
    ? ({ verified: true, event } as const)
    : ({ verified: true, detail: 'the body is no JSON object' } as const)
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/** What GET answers: attempts from absolute index `since` on, and the ids first accepted by one of them. */
function recorded(since: number) {
  const selected = attempts.slice(Math.max(0, since - dropped))
  const accepted = [...ids].flatMap(([webhookId, state]) =>
    state.accepted && state.accepted.index >= since
      ? [{ webhook_id: webhookId, ...pick(state.accepted.event), attempts: state.attempts }]
      : [],
  )
  return { behaviour, attempts: selected, accepted, next: dropped + attempts.length }
}

const pick = ({ type, timestamp, data }: Record<string, unknown>) => ({ type, timestamp, data })
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export const webhookReceiver = new Hono<EmulatorEnv>()
  .post('/webhooks', async (c) => {
    const rawBody = await c.req.text()
    const headers = c.req.header()
    const webhookId = headers['webhook-id'] ?? ''
    // An optional override (not in env.ts), for an API that signs with a secret of its own.
    const secret = (c.env as { SECURITY_WEBHOOK_SECRET?: string }).SECURITY_WEBHOOK_SECRET || DEV_WEBHOOK_SECRET
    const checked = check(secret, rawBody, headers)
    const state = countAttempt(webhookId)
    const plan = followsPlans(checked.event, behaviour) ? planAt(await positionOf(webhookId), behaviour) : 'ok'
    const answer = answerFor(plan, state.attempts, behaviour)
    const status = !checked.verified ? 401 : checked.event === undefined ? 400 : answer.status
    const index = remember({
      webhook_id: webhookId,
      attempt: state.attempts,
      received_at: new Date().toISOString(),
      webhook_timestamp: headers['webhook-timestamp'] ?? '',
      verified: checked.verified,
      plan,
      answered: status,
      ...(checked.event === undefined ? {} : { event: checked.event }),
    })
    if (!checked.verified) return c.json({ error: 'signature', detail: checked.detail }, 401)
    if (checked.event === undefined) return c.json({ error: 'body', detail: checked.detail }, 400)
    if (status !== 204) return c.json({ error: 'planned_failure', plan }, status as 503)
    // Accepted when received, answered late when stalled: the sender may have given up by then.
    state.accepted ??= { index, event: checked.event }
    if (answer.delayMs > 0) await sleep(answer.delayMs)
    return c.body(null, 204)
  })
  .get('/webhooks', (c) => {
    const since = c.req.query('since') ?? '0'
    if (!/^\d+$/.test(since)) return c.json({ error: 'since must be a whole number' }, 400)
    const view = recorded(Number(since))
    if (c.req.query('summary') !== '1') return c.json(view)
    const verifiedFailures = view.attempts.filter((attempt) => !attempt.verified).length
    return c.json({
      behaviour,
      attempts: view.attempts.length,
      accepted: view.accepted.length,
      unverified: verifiedFailures,
      next: view.next,
    })
  })
  .put('/webhooks/behaviour', async (c) => {
    const parsed = behaviourSchema.safeParse(await c.req.json().catch(() => null))
    if (!parsed.success) return c.json({ error: 'invalid behaviour', issues: parsed.error.issues }, 400)
    behaviour = parsed.data
    return c.json(behaviour)
  })
  .delete('/webhooks', (c) => {
    behaviour = DEFAULT_BEHAVIOUR
    attempts.length = 0
    dropped = 0
    ids.clear()
    return c.body(null, 204)
  })
