/**
 * Starts the local stack under `wrangler dev`: the SaaSus emulator, then the API (its front and its
 * core, one `wrangler dev` for both, as `npm run dev` runs them) pointed at it. Used by the browser
 * tests, the replays, the benchmark and the load script, so that each runs the real Worker the same way.
 *
 * Node's type stripping runs this file as is (on the Node 24 that npm scripts run).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { apiCommand, localOrigins, webhookTarget } from './dev-settings.ts'
import {
  EMULATOR_SECRETS,
  emulatorWebhooks,
  freshState,
  OFFLINE_WRANGLER_ENV,
  ROOT,
  secretsFile,
  WRANGLER,
} from './wrangler-local.ts'

/**
 * `wrangler deploy --dry-run --outdir <outdir>`: what `wrangler deploy` would upload for a config,
 * offline, without an account. `cwd`: another checkout (a before-and-after). Resolves to wrangler's
 * output, whose "Total Upload" line gives the sizes.
 */
export function dryRunBundle(options: {
  outdir: string
  config?: string
  /** Overrides the config's `minify` (a profile needs the module comments an unminified bundle keeps). */
  minify?: boolean
  cwd?: string
}): Promise<string> {
  const args = [WRANGLER, 'deploy', '--dry-run', '--outdir', options.outdir]
  if (options.config) args.push('--config', options.config)
  if (options.minify !== undefined) args.push(`--minify=${options.minify}`)
  const env = { ...process.env, ...OFFLINE_WRANGLER_ENV }
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: options.cwd ?? ROOT, env, timeout: 120_000 }, (error, stdout, stderr) => {
      const output = `${stdout}\n${stderr}`
      if (error) reject(new Error(`wrangler deploy --dry-run ${options.config ?? ''} failed:\n${output.slice(-4_000)}`))
      else resolve(output)
    })
  })
}

export interface WorkerProcess {
  url: string
  child: ChildProcess
  stop(): Promise<void>
}

export interface StartOptions {
  port: number
  /**
   * One Worker's wrangler config. Without it, the API: its front (wrangler.toml, on `port`) and
   * its core (wrangler.core.toml, behind the front's CORE binding) in one `wrangler dev`.
   */
  config?: string
  /** Settings; for the API, each reaches the Worker whose config declares it (scripts/dev-settings.ts). */
  vars?: Record<string, string>
  /**
   * Secrets, never on a command line: the API's core gets them in the process environment, a
   * config's lone Worker (the emulator's) from a file named by --env-file (wrangler-local.ts secretsFile).
   */
  secrets?: Record<string, string>
  /** Echo wrangler's output (request lines, logs) to this process's stdout. */
  echo?: boolean
  /** Receives every line wrangler prints. */
  onLine?: (line: string) => void
  /** Where wrangler keeps the Workers' state (`--persist-to`). @default wrangler's .wrangler/state */
  persistTo?: string
}

/** The port is held by another process (another `npm run dev`, say), so wrangler cannot listen there. */
export class PortTakenError extends Error {
  // A plain field: Node's type stripping does not run parameter properties.
  readonly port: number
  constructor(port: number) {
    super(`port ${port} on 127.0.0.1 is taken`)
    this.name = 'PortTakenError'
    this.port = port
  }
}

/** Listens on 127.0.0.1:port for a moment, as wrangler will; throws PortTakenError if that fails. */
export async function assertPortFree(port: number): Promise<void> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortTakenError(port) : error),
    )
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve()))
  })
}

/** Whether wrangler could listen on 127.0.0.1:port now. */
export const isPortFree = (port: number): Promise<boolean> =>
  assertPortFree(port).then(
    () => true,
    (error: unknown) => {
      if (error instanceof PortTakenError) return false
      throw error
    },
  )

/**
 * A path the runtime answers itself, so that a readiness probe prints no request line: miniflare
 * serves its platform proxy here (400 without the proxy's header), before any Worker and unlogged,
 * and wrangler's proxy holds the request, as any other, until workerd runs.
 */
const SILENT_PROBE = '/cdn-cgi/local/platform-proxy'

/** Whether the workerd behind a `wrangler dev` at `url` answers within `timeoutMs`; silent in its output. */
export async function untilAnswering(url: string, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const res = await fetch(`${url}${SILENT_PROBE}`, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined)
    if (res) {
      await res.body?.cancel()
      return true
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  return false
}

/**
 * Starts one `wrangler dev` and resolves once that process reports it listens and
 * answers HTTP. A port that is taken fails at once, before wrangler starts.
 */
export async function startWorker(options: StartOptions): Promise<WorkerProcess> {
  await assertPortFree(options.port)
  const vars = Object.entries(options.vars ?? {}).flatMap(([name, value]) => ['--var', `${name}:${value}`])
  const listen = ['--ip', '127.0.0.1', '--port', String(options.port)]
  const secrets = options.config ? secretsFile(options.port, options.secrets ?? {}) : []
  // The API as npm run dev runs it (scripts/dev-settings.ts): its settings and secrets reach each Worker there.
  const command = options.config
    ? { args: ['dev', '--config', options.config, ...listen, ...secrets, ...vars], env: {} }
    : apiCommand(options.port, { ...options.secrets, ...options.vars })
  const state = options.persistTo ? ['--persist-to', options.persistTo] : []
  const args = [...command.args, ...state, '--show-interactive-dev-session=false']
  const env = { ...process.env, ...OFFLINE_WRANGLER_ENV, ...command.env }
  const child = spawn(process.execPath, [WRANGLER, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env })
  const url = `http://127.0.0.1:${options.port}`
  let output = ''
  // Another server may answer on this URL; only this line from our own wrangler says the port is its.
  let ready = false
  // A chunk may end mid-line: keep the tail until its newline arrives, so onLine sees whole lines.
  let partial = ''
  // Once asked to stop, wrangler and its esbuild may print their ends (stack traces even): not echoed.
  let stopping = false
  const onData = (chunk: Buffer) => {
    const text = chunk.toString()
    output = (output + text).slice(-8_000)
    if (options.echo && !stopping) process.stdout.write(text)
    const lines = (partial + text).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) {
      if (line.includes(`Ready on ${url}`)) ready = true
      if (options.onLine && line.trim()) options.onLine(line)
    }
  }
  child.stdout?.on('data', onData)
  child.stderr?.on('data', onData)

  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', () => resolve())
      stopping = true
      child.kill('SIGTERM')
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref()
    })

  // Bounded wait: 60 s is generous for workerd's cold start on a busy 2-core machine.
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      // Someone took the port between the check above and wrangler's own listen.
      if (output.includes('Address already in use')) throw new PortTakenError(options.port)
      throw new Error(`wrangler dev (${url}) exited early:\n${output}`)
    }
    // Listening (its own "Ready on" line), then answering the silent probe.
    if (ready && (await untilAnswering(url, 2_000))) return { url, child, stop }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  await stop()
  throw new Error(`wrangler dev (${url}) did not answer within 60 s:\n${output}`)
}

export interface StackOptions {
  apiPort?: number
  emulatorPort?: number
  /** Extra --var settings for the API (e.g. ALLOWED_ORIGINS, USER_CACHE_TTL_SECONDS). */
  apiVars?: Record<string, string>
  /** Extra --var settings for the emulator. */
  emulatorVars?: Record<string, string>
  /**
   * The core's security webhooks: off, whatever the environment says; 'emulator': to the emulator's
   * receiver with the development secret and retries after 1 s to a minute (wrangler-local.ts
   * emulatorWebhooks); or these settings, each one left out taken from 'emulator'.
   * @default false
   */
  webhooks?: false | 'emulator' | { url?: string; secret?: string; retryDelays?: string; timeoutMs?: string }
  echo?: boolean
  onApiLine?: (line: string) => void
}

export interface Stack {
  api: WorkerProcess
  emulator: WorkerProcess
  stop(): Promise<void>
}

/**
 * Starts the emulator and the API wired to it, the API's SaaSus calls going to 127.0.0.1. Each
 * stack starts with no state, as `npm run dev` with the emulator does: the seeded users' ids are
 * the same on every start, and the API must not remember what the emulator forgot.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const apiPort = options.apiPort ?? 8787
  const emulatorPort = options.emulatorPort ?? 8788
  // Both before either starts: a taken API port should not leave an emulator running.
  await assertPortFree(apiPort)
  await assertPortFree(emulatorPort)
  const state = freshState(`stack-${apiPort}`)
  const webhooks = webhookSettings(options.webhooks, emulatorPort)
  const emulator = await startWorker({
    port: emulatorPort,
    persistTo: join(state, 'emulator'),
    config: 'emulator/wrangler.toml',
    // The demo page the emulator serves at / calls this API.
    vars: { DEMO_API_URL: `http://127.0.0.1:${apiPort}`, ...options.emulatorVars },
    // Its receiver verifies the webhooks sent to it with the API's secret.
    ...(webhooks.toEmulator ? { secrets: webhooks.secrets } : {}),
    echo: options.echo ?? false,
  })
  try {
    const api = await startWorker({
      port: apiPort,
      persistTo: join(state, 'api'),
      secrets: { ...EMULATOR_SECRETS, ...webhooks.secrets },
      vars: {
        SAASUS_API_URL_BASE: emulator.url,
        ALLOWED_ORIGINS: localOrigins(emulatorPort),
        // The interactive reference at /docs: on in local development.
        SERVE_API_REFERENCE: 'true',
        ...webhooks.vars,
        ...options.apiVars,
      },
      echo: options.echo ?? false,
      ...(options.onApiLine ? { onLine: options.onApiLine } : {}),
    })
    return { api, emulator, stop: async () => void (await Promise.all([api.stop(), emulator.stop()])) }
  } catch (error) {
    await emulator.stop()
    throw error
  }
}

/** The core's webhook settings for a stack's `webhooks` option, the secret apart, and whether they go to the emulator. */
function webhookSettings(
  webhooks: StackOptions['webhooks'],
  emulatorPort: number,
): { vars: Record<string, string>; secrets: Record<string, string>; toEmulator: boolean } {
  // Off: an empty URL is none, and it wins over one in this process's environment.
  if (!webhooks) return { vars: { SECURITY_WEBHOOK_URL: '' }, secrets: {}, toEmulator: false }
  const chosen = webhooks === 'emulator' ? {} : webhooks
  const given = {
    SECURITY_WEBHOOK_URL: chosen.url,
    SECURITY_WEBHOOK_SECRET: chosen.secret,
    SECURITY_WEBHOOK_RETRY_DELAYS: chosen.retryDelays,
    SECURITY_WEBHOOK_TIMEOUT_MS: chosen.timeoutMs,
  }
  const settings = emulatorWebhooks(emulatorPort)
  for (const [name, value] of Object.entries(given)) if (value !== undefined) settings[name] = value
  const { SECURITY_WEBHOOK_SECRET: secret = '', ...vars } = settings
  const toEmulator = webhookTarget(settings, emulatorPort)?.toEmulator ?? false
  return { vars, secrets: { SECURITY_WEBHOOK_SECRET: secret }, toEmulator }
}

export interface EmulatorUser {
  id: string
  email: string
  sign_in_id: string
  id_token: string
  access_token: string
}

/** The emulator's users (the seeded ones first) with their current tokens. */
export async function seededUsers(emulatorUrl: string): Promise<EmulatorUser[]> {
  const res = await fetch(`${emulatorUrl}/_emulator/users`)
  return (await res.json()) as EmulatorUser[]
}
