/**
 * Threat: webhooks a real receiver cannot trust or does not get. A receiver that checks signatures
 * with code of its own (examples/webhook-receiver.py: Python's standard library, no Standard
 * Webhooks package) must accept every webhook the API signs, and a receiver that fails must still
 * get each event, under the same webhook-id. Here the API (`wrangler dev`, webhooks on, a retry
 * after 1 s) sends to that receiver, which answers 500 to the first attempt of about 30% of the
 * webhook-ids; a few users each set up, verify, enable and disable MFA, and what the receiver
 * accepted must be exactly what each user's `/mfa_events` counts.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TOTP } from 'otpauth'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EmulatorUser, type Stack, startStack } from '../scripts/stack.ts'
import { ROOT } from '../scripts/wrangler-local.ts'
import { freshUser } from './demo-page.ts'

// This suite's ports (the 8860–8869 range), apart from the other suites' and npm run dev's.
const API_PORT = Number(process.env.E2E_WEBHOOK_API_PORT ?? 8861)
const EMULATOR_PORT = Number(process.env.E2E_WEBHOOK_EMULATOR_PORT ?? 8862)
const RECEIVER_PORT = Number(process.env.E2E_WEBHOOK_RECEIVER_PORT ?? 8863)

/** Six users, four events each: with 30% of first attempts failing, some retries are all but certain. */
const USERS = 6
const FAIL_SHARE = '0.3'
const DELIVERED_WITHIN_MS = 60_000

/** One line of the receiver's log: one attempt. */
interface Attempt {
  webhook_id: string
  attempt: number
  verified: boolean
  answered: number
  duplicate: boolean
  body: string
}

const workDir = mkdtempSync(join(tmpdir(), 'webhook-receiver-'))
const logFile = join(workDir, 'attempts.jsonl')
// A fresh secret, in the Standard Webhooks form: nothing here is the emulator's development one.
const secret = `whsec_${randomBytes(32).toString('base64')}`

let receiver: ChildProcess | undefined
/** The receiver's last words on stderr, for a failure's message. */
let receiverOutput = ''
let stack: Stack | undefined

/** Resolves once the receiver answers HTTP (any status), within 10 s. */
async function receiverAnswering(): Promise<void> {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    if (receiver?.exitCode !== null) throw new Error(`the receiver exited (${receiver?.exitCode}):\n${receiverOutput}`)
    const res = await fetch(`http://127.0.0.1:${RECEIVER_PORT}/`).catch(() => undefined)
    if (res) return void (await res.body?.cancel())
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`the receiver did not answer on ${RECEIVER_PORT} within 10 s`)
}

beforeAll(async () => {
  receiver = spawn('python3', [join(ROOT, 'examples', 'webhook-receiver.py')], {
    env: {
      ...process.env,
      SECURITY_WEBHOOK_SECRET: secret,
      RECEIVER_PORT: String(RECEIVER_PORT),
      RECEIVER_LOG: logFile,
      RECEIVER_FAIL_SHARE: FAIL_SHARE,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  receiver.stderr?.on('data', (chunk: Buffer) => {
    receiverOutput = (receiverOutput + chunk.toString()).slice(-4_000)
  })
  await receiverAnswering()
  stack = await startStack({
    apiPort: API_PORT,
    emulatorPort: EMULATOR_PORT,
    webhooks: { url: `http://127.0.0.1:${RECEIVER_PORT}/`, secret, retryDelays: '1' },
  })
})

afterAll(async () => {
  await stack?.stop()
  if (receiver?.pid && receiver.exitCode === null) process.kill(receiver.pid, 'SIGTERM')
  rmSync(workDir, { recursive: true, force: true })
})

/** A call to the API as `user`; its JSON answer, or a failure naming the status. */
async function api<T>(user: EmulatorUser, method: string, path: string, body?: object): Promise<T> {
  const res = await fetch(`${stack?.api.url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${user.id_token}`,
      'X-Access-Token': user.access_token,
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
  return (await res.json()) as T
}

/** Four events: authenticator_setup, authenticator_registered, mfa_enabled, mfa_disabled. */
async function enrollAndLeave(user: EmulatorUser): Promise<void> {
  const { secret: key } = await api<{ secret: string }>(user, 'GET', '/mfa_setup')
  await api(user, 'POST', '/mfa_verify', { verification_code: new TOTP({ secret: key }).generate() })
  await api(user, 'POST', '/mfa_enable')
  await api(user, 'POST', '/mfa_disable')
}

/** The user's `/mfa_events` as a multiset: each type with the sum of its entries' counts. */
async function recordedEvents(user: EmulatorUser): Promise<Record<string, number>> {
  const { events } = await api<{ events: { type: string; count: number }[] }>(user, 'GET', '/mfa_events')
  const counts: Record<string, number> = {}
  for (const event of events) counts[event.type] = (counts[event.type] ?? 0) + event.count
  return counts
}

function attempts(): Attempt[] {
  let text = ''
  try {
    text = readFileSync(logFile, 'utf8')
  } catch {
    return []
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Attempt)
}

/** What the receiver accepted and processed (204, first copy only), per user: each type with its number. */
function acceptedByUser(seen: readonly Attempt[]): Map<string, Record<string, number>> {
  const byUser = new Map<string, Record<string, number>>()
  for (const attempt of seen) {
    if (attempt.answered !== 204 || attempt.duplicate) continue
    const { type, data } = JSON.parse(attempt.body) as { type: string; data: { user_id: string } }
    const counts = byUser.get(data.user_id) ?? {}
    counts[type] = (counts[type] ?? 0) + 1
    byUser.set(data.user_id, counts)
  }
  return byUser
}

const sameCounts = (a: Record<string, number> = {}, b: Record<string, number> = {}) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort())

describe('security webhooks to an independent receiver', () => {
  it('reach it verified, every event of every user once, failed first attempts retried under the same id', async () => {
    const emulatorUrl = stack?.emulator.url ?? ''
    const users = await Promise.all(
      Array.from({ length: USERS }, (_, n) => freshUser(emulatorUrl, `webhooks${n}@example.com`)),
    )
    for (const user of users) await enrollAndLeave(user)
    const recorded = new Map(
      await Promise.all(users.map(async (user) => [user.id, await recordedEvents(user)] as const)),
    )
    for (const counts of recorded.values()) {
      expect(counts).toEqual({ authenticator_setup: 1, authenticator_registered: 1, mfa_enabled: 1, mfa_disabled: 1 })
    }

    // Until every event is in, or an attempt fails verification (then no wait changes the verdict).
    const deadline = Date.now() + DELIVERED_WITHIN_MS
    let seen = attempts()
    while (Date.now() < deadline) {
      const accepted = acceptedByUser(seen)
      if (seen.some((attempt) => !attempt.verified)) break
      if (users.every((user) => sameCounts(accepted.get(user.id), recorded.get(user.id)))) break
      await new Promise((resolve) => setTimeout(resolve, 500))
      seen = attempts()
    }

    expect(seen.filter((attempt) => !attempt.verified)).toEqual([])
    const accepted = acceptedByUser(seen)
    for (const user of users) expect(accepted.get(user.id), user.email).toEqual(recorded.get(user.id))

    // Each failed attempt's id was accepted by a later attempt: a retry, the same webhook-id.
    const failed = seen.filter((attempt) => attempt.answered !== 204)
    expect(failed.length).toBeGreaterThan(0)
    for (const attempt of failed) {
      const retried = seen.find(
        (later) => later.webhook_id === attempt.webhook_id && later.attempt > attempt.attempt && later.answered === 204,
      )
      expect(retried, `a retry of ${attempt.webhook_id}`).toBeDefined()
      expect(retried?.body).toBe(attempt.body)
    }

    // The body's exact keys (docs/webhooks.md): nothing else leaves the API.
    for (const attempt of seen) {
      const body = JSON.parse(attempt.body) as Record<string, Record<string, unknown>>
      expect(Object.keys(body).sort()).toEqual(['data', 'timestamp', 'type'])
      expect(Object.keys(body.data ?? {}).sort()).toEqual(['country', 'user_agent', 'user_id'])
    }
  })
})
