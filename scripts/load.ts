/**
 * `npm run load`: bounded load with faults against the real Worker under
 * `wrangler dev` (loopback only, ports 8830 and 8831). Starts the emulator and
 * the API, creates one emulator user per connection, makes the emulator fail or
 * slow ~5% of SaaSus calls, drives a mixed workload of every route, and checks:
 *
 * - no crash: both processes alive and answering at the end;
 * - no request hung past the timeout (every SaaSus call is bounded, so a request
 *   is too: see HUNG_MS);
 * - every answer classified: a success of its route's shape or a catalogue code;
 * - the emulator's final state consistent with the successful answers: no user
 *   the API said was enabled (or disabled) is otherwise, none enabled without a
 *   registered authenticator, every verified user registered;
 * - the API's log: one line per request, none holding a token or secret.
 *
 * `--webhooks`: the security webhooks under load instead (./load/webhooks.ts).
 *
 * It prints figures and exits non-zero if a check fails; it is not a timed test.
 * Settings (environment): LOAD_REQUESTS (20000), LOAD_CONNECTIONS (50),
 * LOAD_SECONDS (300, the bound on the whole drive), LOAD_API_PORT, LOAD_EMULATOR_PORT.
 */

import { parseArgs } from 'node:util'
import { webhookLoad } from './load/webhooks.ts'
import { type LoadUser, type Outcome, percentile, VirtualUser } from './load/workload.ts'
import { startStack } from './stack.ts'

const REQUESTS = Number(process.env.LOAD_REQUESTS ?? 20_000)
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 50)
const TIME_BOUND_MS = Number(process.env.LOAD_SECONDS ?? 300) * 1_000
const API_PORT = Number(process.env.LOAD_API_PORT ?? 8830)
const EMULATOR_PORT = Number(process.env.LOAD_EMULATOR_PORT ?? 8831)

const SAASUS_TIMEOUT_MS = 2_000
// A request makes at most two SaaSus calls in sequence, each bounded by the
// timeout (retry included); the rest allows for queueing on a busy 2-core machine.
const HUNG_MS = 2 * SAASUS_TIMEOUT_MS + 3_000

/** ~5% of SaaSus calls fail (5xx, drops, garbled bodies, stalls) and 2% are 800 ms late. */
const FAULTS = {
  spikeRate: 0.02,
  spikeMs: 800,
  serverErrorRate: 0.025,
  dropRate: 0.01,
  malformedRate: 0.01,
  stallRate: 0.005,
}

async function main(): Promise<boolean> {
  let logLines = 0
  const leaks: string[] = []
  const secrets: string[] = []
  const stack = await startStack({
    apiPort: API_PORT,
    emulatorPort: EMULATOR_PORT,
    apiVars: { SAASUS_TIMEOUT_MS: String(SAASUS_TIMEOUT_MS) },
    onApiLine: (line) => {
      // One line per request, the answering Worker's: the core's, or the front's for one it answered itself.
      if (line.includes('"event":"request"') || line.includes('"event":"front_request"')) logLines += 1
      for (const secret of secrets) if (line.includes(secret)) leaks.push(secret.slice(0, 6))
    },
  })
  try {
    const emulator = stack.emulator.url
    const users: LoadUser[] = []
    for (let i = 0; i < CONNECTIONS; i++) {
      const res = await fetch(`${emulator}/_emulator/users`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: `load-${i}@example.com` }),
      })
      const user = (await res.json()) as LoadUser
      users.push(user)
      secrets.push(user.id_token, user.access_token)
    }
    await fetch(`${emulator}/_emulator/faults`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(FAULTS),
    })

    console.log(`Driving ${REQUESTS} requests over ${CONNECTIONS} connections (bound: ${TIME_BOUND_MS / 1000} s)…`)
    const clients = users.map((user) => new VirtualUser(stack.api.url, user, HUNG_MS))
    const outcomes: Outcome[] = []
    const started = performance.now()
    let issued = 0
    await Promise.all(
      clients.map(async (client) => {
        while (issued < REQUESTS && performance.now() - started < TIME_BOUND_MS) {
          issued += 1
          outcomes.push(await client.step())
        }
      }),
    )
    const elapsedS = (performance.now() - started) / 1000
    await fetch(`${emulator}/_emulator/faults`, { method: 'DELETE' })

    // Checks.
    const alive = stack.api.child.exitCode === null && stack.emulator.child.exitCode === null
    const stillAnswers =
      alive &&
      (await fetch(`${stack.api.url}/nowhere`).then(
        (r) => r.status === 404,
        () => false,
      ))
    const hung = outcomes.filter((o) => o.label === 'hung' || o.ms > HUNG_MS).length
    const unclassified = outcomes.filter((o) => o.label.startsWith('unclassified') || o.label.startsWith('no answer'))
    const inconsistent: string[] = []
    for (const client of clients) {
      const res = await fetch(`${emulator}/_emulator/users/${client.user.id}`)
      const { mfa } = (await res.json()) as { mfa: { enabled: boolean; registered: boolean } }
      const { enabled, registered } = client.expected
      if (enabled !== undefined && mfa.enabled !== enabled)
        inconsistent.push(`${client.user.id}: enabled ${mfa.enabled}, API said ${enabled}`)
      if (mfa.enabled && !mfa.registered) inconsistent.push(`${client.user.id}: enabled without an authenticator`)
      if (registered && !mfa.registered) inconsistent.push(`${client.user.id}: verified but not registered`)
    }
    // Give wrangler a moment to flush the last log lines before counting them.
    await new Promise((resolve) => setTimeout(resolve, 1_000))

    // Figures.
    const ms = outcomes.map((o) => o.ms).sort((a, b) => a - b)
    const byLabel = new Map<string, number>()
    for (const o of outcomes) byLabel.set(o.label, (byLabel.get(o.label) ?? 0) + 1)
    const byRoute = new Map<string, number>()
    for (const o of outcomes) byRoute.set(o.route, (byRoute.get(o.route) ?? 0) + 1)
    const knownUsers = clients.filter((c) => c.expected.enabled !== undefined).length
    console.log(
      `\nrequests        ${outcomes.length} in ${elapsedS.toFixed(1)} s (${(outcomes.length / elapsedS).toFixed(0)}/s)`,
    )
    console.log(
      `latency ms      p50 ${percentile(ms, 50).toFixed(0)}  p90 ${percentile(ms, 90).toFixed(0)}  p99 ${percentile(ms, 99).toFixed(0)}  max ${(ms.at(-1) ?? 0).toFixed(0)}`,
    )
    console.log('answers         ')
    for (const [label, count] of [...byLabel].sort((a, b) => b[1] - a[1])) {
      console.log(
        `  ${label.padEnd(28)} ${String(count).padStart(6)}  ${((100 * count) / outcomes.length).toFixed(2)}%`,
      )
    }
    console.log('routes          ')
    for (const [route, count] of [...byRoute].sort((a, b) => b[1] - a[1])) console.log(`  ${route.padEnd(34)} ${count}`)

    const checks: [string, boolean, string][] = [
      ['no crash', stillAnswers, alive ? 'both processes alive and answering' : 'a process exited'],
      ['no hung request', hung === 0, `${hung} over ${HUNG_MS} ms`],
      ['every answer classified', unclassified.length === 0, `${unclassified.length} unclassified`],
      [
        'state consistent',
        inconsistent.length === 0,
        `${clients.length} users checked (${knownUsers} with a known final MFA setting), ${inconsistent.length} inconsistent`,
      ],
      [
        'one log line per request',
        logLines >= outcomes.length,
        `${logLines} request lines for ${outcomes.length} requests`,
      ],
      ['no secret in the log', leaks.length === 0, `${leaks.length} leaks`],
    ]
    console.log('\nchecks')
    for (const [name, ok, detail] of checks) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${name.padEnd(26)} ${detail}`)
    for (const line of [...inconsistent, ...unclassified.slice(0, 10).map((o) => `${o.route}: ${o.label}`)])
      console.log(`    ${line}`)
    return checks.every(([, ok]) => ok)
  } finally {
    await stack.stop()
  }
}

const { values } = parseArgs({ options: { webhooks: { type: 'boolean', default: false } } })
const passed = values.webhooks
  ? await webhookLoad({
      apiPort: API_PORT,
      emulatorPort: EMULATOR_PORT,
      connections: CONNECTIONS,
      abortAfterMs: HUNG_MS,
    })
  : await main()
process.exitCode = passed ? 0 : 1
