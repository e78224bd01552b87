/**
 * The secondary table: the same workers under `wrangler dev` on 127.0.0.1:8820–8825,
 * as the bench ran them before it had the production runtime. `wrangler dev`
 * relays every log line over the inspector, so these rows measure wrangler as
 * much as the Worker; they stay for comparison with earlier runs.
 */
import { startStack, startWorker, type WorkerProcess } from '../scripts/stack.ts'
import { EMULATOR_CREDENTIALS } from '../scripts/wrangler-local.ts'
import {
  type EmulatorUser,
  emulatorAt,
  measure,
  type Row,
  registeredUsers,
  type Scenario,
  storageCounter,
  surviveRestart,
} from './measure.ts'

const PORTS = { emulator: 8820, api: 8821, apiCacheOff: 8822, floor: 8823, apiQuietLog: 8825 } as const
/** Users the setup scenario rotates through: each stays far under its 10-a-minute setup limit. */
const SETUP_USERS = 1_000

export async function wranglerDevRows(latencyMs: number): Promise<Row[]> {
  const storage = storageCounter()
  const stack = await startStack({
    apiPort: PORTS.api,
    emulatorPort: PORTS.emulator,
    apiVars: { USER_CACHE_TTL_SECONDS: '60' },
    onApiLine: storage.line,
  })
  const workers: WorkerProcess[] = [stack.api, stack.emulator]
  const emulator = emulatorAt(stack.emulator.url)
  try {
    const shared = { ...EMULATOR_CREDENTIALS, SAASUS_API_URL_BASE: stack.emulator.url }
    // One at a time: two wrangler dev starting together can pick the same free internal port.
    const cacheOff = await startWorker({ port: PORTS.apiCacheOff, vars: { ...shared, USER_CACHE_TTL_SECONDS: '0' } })
    workers.push(cacheOff)
    const floor = await startWorker({ port: PORTS.floor, config: 'bench/floor/wrangler.toml', vars: shared })
    workers.push(floor)
    // The same API logging only failures: how much of its cost here is the log line per request.
    const quietLog = await startWorker({ port: PORTS.apiQuietLog, vars: { ...shared, REQUEST_LOG: 'failures' } })
    workers.push(quietLog)

    // Made again if the emulator restarts (surviveRestart): it forgets every user.
    const newUsers = async () => {
      const setup: EmulatorUser[] = []
      for (let i = 0; i < SETUP_USERS; i++) setup.push(await emulator.newUser(`setup${i}`))
      return { reader: await emulator.newUser('reader'), setup }
    }
    let users = await newUsers()

    const bearer = (user: EmulatorUser) => ({ Authorization: `Bearer ${user.id_token}` })
    const scenariosOf = ({ reader, setup }: typeof users): Scenario[] => {
      const status = [{ method: 'GET' as const, path: '/mfa_status', headers: bearer(reader) }]
      return [
        { name: 'floor worker', url: floor.url, requests: [{ method: 'GET', path: `/?user=${reader.id}` }] },
        { name: 'GET /mfa_status, cache on', url: stack.api.url, requests: status, storage },
        { name: 'GET /mfa_status, cache on, REQUEST_LOG=failures', url: quietLog.url, requests: status },
        {
          // A read of the account object (issue 11): one storage round trip, no SaaSus call once the user is cached.
          name: 'GET /mfa_events, cache on',
          url: stack.api.url,
          requests: [{ method: 'GET', path: '/mfa_events', headers: bearer(reader) }],
          storage,
        },
        { name: 'GET /mfa_status, cache off', url: cacheOff.url, requests: status },
        {
          name: 'GET /mfa_setup',
          url: stack.api.url,
          requests: [{ method: 'GET', path: '/mfa_setup' }],
          headerPool: setup.map((user) => ({ ...bearer(user), 'X-Access-Token': user.access_token })),
          storage,
        },
        {
          // As in bench/run.ts: each pass a user of its own, registered before the run, enabling then disabling once.
          name: 'POST /mfa_enable + /mfa_disable',
          url: stack.api.url,
          requests: ['/mfa_enable', '/mfa_disable'].map((path) => ({
            method: 'POST' as const,
            path,
            headers: { 'Content-Type': 'application/json' },
            body: '{}',
          })),
          usersFor: async (count) => (await registeredUsers(emulator, stack.api.url, count)).map(bearer),
          storage,
        },
      ]
    }

    const regimes = [
      { name: `wrangler dev, latency-bound (${latencyMs} ms/call)`, latencyMs, connections: 8 },
      { name: 'wrangler dev, CPU-bound (0 ms/call)', latencyMs: 0, connections: 20 },
    ]
    const rows: Row[] = []
    for (const regime of regimes) {
      await emulator.setLatency(regime.latencyMs)
      const restore = async () => {
        users = await newUsers()
        await emulator.setLatency(regime.latencyMs)
      }
      for (const [index, { name }] of scenariosOf(users).entries()) {
        const row = () => measure(emulator, regime.name, regime.connections, scenariosOf(users)[index] as Scenario)
        rows.push(await surviveRestart(emulator, `"${regime.name} ${name}"`, () => users.reader, restore, row))
      }
    }
    return rows
  } finally {
    await emulator.clearFaults().catch(() => undefined)
    await Promise.all(workers.map((w) => w.stop()))
  }
}
