/**
 * `npm run load -- --webhooks`: the security webhooks under load. The core delivers to the
 * emulator's receiver with short retries, the receiver refuses some webhooks for good (doomed),
 * fails others' first attempts (flaky) and stalls some first attempts past the sender's timeout
 * (stall: the sender retries what was taken, a duplicate); many users then make a few thousand
 * events, and once deliveries are quiet the receiver's records and the dead letters are compared
 * with what the API recorded (`GET /mfa_events`). Prints figures, and PASS/FAIL per check.
 * Settings (environment): LOAD_WEBHOOK_USERS (200, fifteen events each), LOAD_CONNECTIONS (the caller's).
 */
import { allDeadLetters, type DeadLetterPage, operatorRequest } from '../operator-request.ts'
import { startStack } from '../stack.ts'
import { DEV_WEBHOOK_SECRET } from '../wrangler-local.ts'
import { type LoadUser, type Outcome, percentile, totp, VirtualUser } from './workload.ts'

export interface WebhookLoadOptions {
  apiPort: number
  emulatorPort: number
  connections: number
  /** Past this a request counts as hung. */
  abortAfterMs: number
}

const USERS = Number(process.env.LOAD_WEBHOOK_USERS ?? 200)
// One user's requests, in order, each recording one event. Turning MFA off forgets the authenticator,
// so each cycle sets one up again. Three cycles keep within the per-user limits of wrangler.core.toml
// (setup 10, verify 5, changes 10 a minute), so none is refused.
const CYCLE = ['setup', 'verify', 'enable', 'recoveryCodes', 'disable'] as const
const SCRIPT = [...CYCLE, ...CYCLE, ...CYCLE]
const DRIVE_BOUND_MS = 120_000
const QUIET_BOUND_MS = 120_000
/** Deliveries are quiet when nothing changed this long: past the longest retry delay (3 s) and a batch's wait (1 s). */
const STILL_MS = 5_000
/** The first attempt and the queue consumer's max_retries (wrangler.core.toml). */
const ATTEMPTS_TO_DEATH = 1 + 7

/** Retries 0 to 3 s apart, so that the last of 1 + 7 attempts comes within ~15 s; a 1 s timeout. */
const WEBHOOKS = { retryDelays: '0,1,1,2,2,3,3', timeoutMs: '1000' }
/**
 * 3% doomed (read back a page of 100 at a time), and ~60 stalled: under `wrangler dev` the queue
 * hands the consumer one batch at a time, so each stalled first attempt holds every delivery for the
 * sender's whole timeout, and more would not drain within QUIET_BOUND_MS.
 */
const behaviour = (planned: number) => ({
  doomed_share: 0.03,
  flaky_share: 0.2,
  flaky_failures: 2,
  stall_share: Math.min(0.1, 60 / planned),
  stall_ms: 2_000,
})

interface Attempt {
  webhook_id: string
  verified: boolean
  plan: string
  answered: number
  event?: { type: string; data: { user_id: string } }
}
interface Received {
  attempts: Attempt[]
  accepted: { webhook_id: string; type: string; data: { user_id: string } }[]
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
})

/** Runs `work` over `items`, `width` at a time, starting none after `deadline` (performance.now()). */
async function inPool<T>(items: readonly T[], width: number, deadline: number, work: (item: T) => Promise<void>) {
  let next = 0
  const lane = async () => {
    while (next < items.length && performance.now() < deadline) await work(items[next++] as T)
  }
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane))
}

/** One user's requests of SCRIPT, in order; each verify proves the secret of the setup before it. */
async function drive(c: VirtualUser, deadline: number, outcomes: Outcome[]): Promise<void> {
  const auth = { Authorization: `Bearer ${c.user.id_token}`, 'X-Access-Token': c.user.access_token }
  const write = { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: '{}' }
  const has = (key: string) => (body: unknown) => typeof body === 'object' && body !== null && key in body
  let secret: string | null = null
  for (const step of SCRIPT) {
    if (performance.now() > deadline) return
    if (step === 'setup') {
      outcomes.push(
        await c.send('GET /mfa_setup', '/mfa_setup', { headers: auth }, (b) => {
          secret = has('qrCodeUrl')(b)
            ? new URL((b as { qrCodeUrl: string }).qrCodeUrl).searchParams.get('secret')
            : null
          return secret !== null
        }),
      )
    } else if (step === 'verify') {
      const code = secret ? totp(secret).generate() : '000000'
      const init = { ...write, body: JSON.stringify({ verification_code: code }) }
      outcomes.push(await c.send('POST /mfa_verify', '/mfa_verify', init, has('message')))
    } else {
      const path = { enable: '/mfa_enable', disable: '/mfa_disable', recoveryCodes: '/mfa_recovery_codes' }[step]
      const key = step === 'recoveryCodes' ? 'recovery_codes' : 'message'
      outcomes.push(await c.send(`POST ${path}`, path, write, has(key)))
    }
  }
}

/** The dead-letter depth alone: the first page of one. */
async function deadLetterDepth(api: string): Promise<number> {
  const res = await operatorRequest(api, DEV_WEBHOOK_SECRET, 'GET', '/webhooks/dead_letters?limit=1')
  if (!res.ok) throw new Error(`GET /webhooks/dead_letters: ${res.status} ${await res.text()}`)
  return ((await res.json()) as DeadLetterPage).depth
}

/** Polls until accepted + dead letters cover `expected` and nothing has moved for STILL_MS, or the bound. */
async function untilQuiet(emulator: string, api: string, expected: number) {
  const started = performance.now()
  let seen = { attempts: 0, accepted: 0, depth: 0 }
  let key = ''
  let changedAt = started
  while (performance.now() - started < QUIET_BOUND_MS) {
    const [summary, { depth }] = await Promise.all([
      fetch(`${emulator}/_emulator/webhooks?summary=1`).then((r) => r.json() as Promise<typeof seen>),
      deadLetterDepth(api).then((depth) => ({ depth })),
    ])
    seen = { attempts: summary.attempts, accepted: summary.accepted, depth }
    if (JSON.stringify(seen) !== key) [key, changedAt] = [JSON.stringify(seen), performance.now()]
    else if (seen.accepted + depth >= expected && performance.now() - changedAt >= STILL_MS)
      return { quiet: true, ...seen, changedAt }
    await sleep(1_000)
  }
  return { quiet: false, ...seen, changedAt }
}

const tally = (counts: Map<string, number>, key: string, n = 1) => counts.set(key, (counts.get(key) ?? 0) + n)

/** Per user and type: how many more `a` holds than `b` (summed over the positive differences). */
function excess(a: Map<string, number>, b: Map<string, number>): number {
  let n = 0
  for (const [key, count] of a) n += Math.max(0, count - (b.get(key) ?? 0))
  return n
}

export async function webhookLoad(options: WebhookLoadOptions): Promise<boolean> {
  const stack = await startStack({ apiPort: options.apiPort, emulatorPort: options.emulatorPort, webhooks: WEBHOOKS })
  try {
    const [api, emulator] = [stack.api.url, stack.emulator.url]
    const users: LoadUser[] = []
    const emails = Array.from({ length: USERS }, (_, i) => `webhooks-${i}@example.com`)
    await inPool(emails, 10, performance.now() + 60_000, async (email) => {
      const res = await fetch(`${emulator}/_emulator/users`, json('POST', { email }))
      users.push((await res.json()) as LoadUser)
    })
    const plans = behaviour(users.length * SCRIPT.length)
    const put = await fetch(`${emulator}/_emulator/webhooks/behaviour`, json('PUT', plans))
    if (!put.ok) throw new Error(`the receiver refused its behaviour: ${await put.text()}`)

    console.log(`Driving ${users.length} users × ${SCRIPT.length} events over ${options.connections} connections…`)
    console.log(`receiver: ${JSON.stringify(plans)}; sender: ${JSON.stringify(WEBHOOKS)}`)
    const clients = users.map((user) => new VirtualUser(api, user, options.abortAfterMs))
    const outcomes: Outcome[] = []
    const started = performance.now()
    const deadline = started + DRIVE_BOUND_MS
    await inPool(clients, options.connections, deadline, (c) => drive(c, deadline, outcomes))
    const driveEnd = performance.now()

    // Expected: every occurrence the API recorded, per user and type (a repeat within a day is a count).
    const expected = new Map<string, number>()
    await inPool(clients, options.connections, performance.now() + 60_000, async (c) => {
      const headers = { Authorization: `Bearer ${c.user.id_token}` }
      const res = await fetch(`${api}/mfa_events`, { headers, signal: AbortSignal.timeout(10_000) })
      if (!res.ok) throw new Error(`GET /mfa_events: ${res.status} ${await res.text()}`)
      const { events } = (await res.json()) as { events: { type: string; count: number }[] }
      for (const event of events) tally(expected, `${c.user.id} ${event.type}`, event.count)
    })
    console.log(`${outcomes.length} requests in ${((driveEnd - started) / 1000).toFixed(1)} s; waiting for quiet…`)
    const quiet = await untilQuiet(emulator, api, sum(expected))

    const received = (await fetch(`${emulator}/_emulator/webhooks`).then((r) => r.json())) as Received
    const dead = await allDeadLetters(api, DEV_WEBHOOK_SECRET)
    const quietMs = quiet.changedAt - driveEnd
    const run: Run = { outcomes, driveMs: driveEnd - started, quietMs, quiet, expected, received, dead }
    figures(run)
    return judge(run)
  } finally {
    await stack.stop()
  }
}

/** What a run saw: its requests, the quiet wait, what the API recorded and what reached the receiver. */
interface Run {
  outcomes: Outcome[]
  driveMs: number
  quietMs: number
  quiet: { quiet: boolean; attempts: number; accepted: number; depth: number }
  /** Occurrences per `<user id> <type>`. */
  expected: Map<string, number>
  received: Received
  dead: DeadLetterPage
}

const sum = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0)
const attemptsById = (run: Run) => Map.groupBy(run.received.attempts, (attempt) => attempt.webhook_id)
const planOf = (attempts: Attempt[] | undefined) => attempts?.[0]?.plan ?? 'unseen'
const list = (counts: Map<string, number>) => [...counts].map(([key, n]) => `${key} ${n}`).join(', ')

function figures(run: Run): void {
  const byId = attemptsById(run)
  const ms = run.outcomes.map((o) => o.ms).sort((a, b) => a - b)
  const answers = new Map<string, number>()
  for (const o of run.outcomes) tally(answers, o.label)
  const idsByPlan = new Map<string, number>()
  for (const attempts of byId.values()) tally(idsByPlan, planOf(attempts))
  const retried = [...byId.values()].filter((attempts) => attempts.length > 1).length
  const takenTwice = [...byId.values()].filter((a) => a.filter((x) => x.answered < 300).length > 1).length
  const line = (name: string, text: string) => console.log(`${name.padEnd(16)}${text}`)
  console.log()
  line('requests', `${run.outcomes.length} in ${(run.driveMs / 1000).toFixed(1)} s; ${list(answers)}`)
  line(
    'latency ms',
    `p50 ${percentile(ms, 50).toFixed(0)}  p99 ${percentile(ms, 99).toFixed(0)}  max ${(ms.at(-1) ?? 0).toFixed(0)}`,
  )
  line('events', `${sum(run.expected)} recorded by the API (GET /mfa_events, counts summed)`)
  line(
    'attempts',
    `${run.received.attempts.length} at the receiver, ${run.received.attempts.length - byId.size} beyond the first`,
  )
  line('ids by plan', `${list(idsByPlan)} (${byId.size} ids)`)
  line('duplicates', `${retried} ids tried more than once; ${takenTwice} taken twice (a stall past the timeout)`)
  line('dead letters', `${run.dead.depth} (${run.dead.dead_letters.length} listed)`)
  line('quiet', `${run.quiet.quiet ? '' : 'never '}${(run.quietMs / 1000).toFixed(1)} s after the last request`)
}

/** Prints each check PASS or FAIL with its figures; true if all pass. */
function judge(run: Run): boolean {
  const { received, dead, expected, quiet } = run
  const byId = attemptsById(run)
  const events = sum(expected)

  // Arrived: each id once, taken by the receiver or kept as a dead letter.
  const arrived = new Map<string, number>()
  for (const { data, type } of received.accepted) tally(arrived, `${data.user_id} ${type}`)
  const deadBodies = new Map(dead.dead_letters.map((l) => [l.webhook_id, JSON.parse(l.body) as Attempt['event']]))
  for (const event of deadBodies.values()) tally(arrived, `${event?.data.user_id} ${event?.type}`)
  const [missing, unrecorded] = [excess(expected, arrived), excess(arrived, expected)]

  const retried = [...byId.values()].filter((attempts) => attempts.length > 1)
  const same = (a: Attempt['event'], b: Attempt['event']) => JSON.stringify(a) === JSON.stringify(b)
  const altered = retried.filter((attempts) => !attempts.every((a) => a.verified && same(a.event, attempts[0]?.event)))

  const doomed = [...byId].flatMap(([id, attempts]) => (planOf(attempts) === 'doomed' ? [id] : []))
  const accepted = new Set(received.accepted.map((a) => a.webhook_id))
  const wrongDead = [
    ...doomed.filter((id) => !deadBodies.has(id)).map((id) => `${id} doomed, not dead`),
    ...[...deadBodies.keys()].flatMap((id) => {
      const attempts = byId.get(id)
      if (planOf(attempts) !== 'doomed') return [`${id} dead, planned ${planOf(attempts)}`]
      if (accepted.has(id)) return [`${id} dead and accepted`]
      if (attempts?.length !== ATTEMPTS_TO_DEATH) return [`${id} dead after ${attempts?.length} attempts`]
      return same(deadBodies.get(id), attempts[0]?.event) ? [] : [`${id} kept a body other than the one sent`]
    }),
  ]
  const unverified = received.attempts.filter((a) => !a.verified).length

  const checks: [string, boolean, string][] = [
    [
      'deliveries quiet',
      quiet.quiet,
      `${quiet.accepted} accepted + ${quiet.depth} dead of ${events} events, nothing new for ${STILL_MS / 1000} s, within ${QUIET_BOUND_MS / 1000} s`,
    ],
    [
      'dead letters all listed',
      dead.depth === dead.dead_letters.length,
      `${dead.dead_letters.length} of ${dead.depth} (read a page of 100 at a time, along next_cursor)`,
    ],
    [
      'every event arrived once',
      missing + unrecorded === 0,
      `${events} events of ${expected.size} user×type pairs: ${missing} missing, ${unrecorded} the API did not record`,
    ],
    [
      'duplicates keep their id',
      altered.length === 0,
      `${retried.length} ids tried more than once, ${altered.length} with a differing or unverified attempt`,
    ],
    [
      'dead letters = doomed',
      wrongDead.length === 0,
      `${deadBodies.size} dead, ${doomed.length} doomed (each refused ${ATTEMPTS_TO_DEATH} times): ${wrongDead.length} wrong${wrongDead.length ? `, e.g. ${wrongDead.slice(0, 3).join('; ')}` : ''}`,
    ],
    ['every attempt verified', unverified === 0, `${unverified} unverified of ${received.attempts.length}`],
  ]
  console.log('\nchecks')
  for (const [name, ok, detail] of checks) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${name.padEnd(26)} ${detail}`)
  return checks.every(([, ok]) => ok)
}
