/**
 * The production runtime, without `wrangler dev`: the bundles `wrangler deploy
 * --dry-run --outdir` writes, run in workerd through Miniflare's API, with the
 * bindings their wrangler config declares (vars, rate limits, SQLite Durable
 * Objects, assets) provided as Miniflare provides them, and no inspector relaying
 * each log line. Worker output arrives here as structured logs (logs stay on).
 *
 * A runtime is a list of workers, the first one serving `port`; a service binding
 * names another worker of the list, or a loopback port (a delay proxy in front of
 * another runtime), so a front + core split is two more list entries.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { convertV4MiniflareOptions, Miniflare } from 'miniflare'
import { unstable_getMiniflareWorkerOptions } from 'wrangler'
import { dryRunBundle } from '../scripts/stack.ts'
import { ROOT } from '../scripts/wrangler-local.ts'

export interface RuntimeWorker {
  /** What the other workers' service bindings call it. */
  name: string
  /** Its wrangler config, relative to the repository root. */
  config: string
  /** Overrides of the config's [vars]. */
  vars?: Record<string, string>
  secrets?: Record<string, string>
  /** Fetch bindings: another worker of the same runtime by name, or an HTTP server on 127.0.0.1. */
  services?: Record<string, string | { port: number }>
  /**
   * false: without the config's [assets], and so without the router Miniflare runs before a worker
   * with `run_worker_first` (Cloudflare runs it too, outside the Worker's CPU time). For runs that
   * ask for no asset and measure the Worker's own work.
   */
  assets?: false
}

export interface Bundle {
  script: string
  gzipKiB: number
}

export interface Runtime {
  url: string
  /** The workerd process, for its CPU time. */
  pid: number | undefined
  stop(): Promise<void>
}

const bundles = new Map<string, Promise<Bundle>>()
/** Made on the first bundle: importing this file (bench/profile.ts does, for cpuSeconds) makes nothing. */
let outRoot: string | undefined

/** What `wrangler deploy --dry-run --outdir` writes for a config, built once per config. */
export function bundle(config: string): Promise<Bundle> {
  const known = bundles.get(config)
  if (known) return known
  outRoot ??= mkdtempSync(join(tmpdir(), 'bench-bundles-'))
  const outdir = join(outRoot, String(bundles.size))
  const built = dryRunBundle({ config, outdir }).then(() => {
    // Named after the config's main (index.js, forwarder.js): the one module wrangler writes.
    const module = readdirSync(outdir).find((file) => file.endsWith('.js'))
    if (!module) throw new Error(`wrangler deploy --dry-run ${config}: no module in ${outdir}`)
    const script = join(outdir, module)
    return { script, gzipKiB: gzipSync(readFileSync(script)).length / 1024 }
  })
  bundles.set(config, built)
  return built
}

/** Deletes the bundles built by `bundle` (when the bench is done with them). */
export function removeBundles(): void {
  if (outRoot) rmSync(outRoot, { recursive: true, force: true })
}

/** The child processes of this one: how a Miniflare's workerd is told from the others. */
function children(): Set<number> {
  const out = execFileSync('ps', ['--ppid', String(process.pid), '-o', 'pid=,comm='], { encoding: 'utf8' })
  return new Set(
    out
      .split('\n')
      .filter((line) => line.includes('workerd'))
      .map((line) => Number(line.trim().split(/\s+/)[0])),
  )
}

/** User plus system CPU seconds of a process so far, from /proc (Linux). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after "pid (comm) ", in clock ticks (100 a second).
  return (Number(fields[11]) + Number(fields[12])) / 100
}

async function workerOptions(worker: RuntimeWorker): Promise<Record<string, unknown>> {
  const built = await bundle(worker.config)
  const previous = process.env.WRANGLER_LOG
  process.env.WRANGLER_LOG = 'error' // the secrets come below; its "missing secrets" warning is noise here
  const fromConfig = unstable_getMiniflareWorkerOptions(join(ROOT, worker.config)).workerOptions
  if (previous === undefined) delete process.env.WRANGLER_LOG
  else process.env.WRANGLER_LOG = previous
  // The bundle is one ES module: the config's rules (for the unbundled source) do not apply.
  const { modulesRules: _rules, serviceBindings, bindings, assets, ...rest } = fromConfig as Record<string, unknown>
  const services: Record<string, unknown> = { ...(serviceBindings as object) }
  for (const [binding, target] of Object.entries(worker.services ?? {})) {
    services[binding] =
      typeof target === 'string' ? target : { external: { address: `127.0.0.1:${target.port}`, http: {} } }
  }
  return {
    ...rest,
    ...(worker.assets === false ? {} : { assets }),
    name: worker.name,
    modulesRoot: join(built.script, '..'),
    modules: [{ type: 'ESModule', path: built.script }],
    bindings: { ...(bindings as object), ...worker.vars, ...worker.secrets },
    serviceBindings: services,
  }
}

/** Starts the workers in one workerd; the first answers on 127.0.0.1:port. */
export async function startRuntime(options: {
  port: number
  workers: RuntimeWorker[]
  /** Receives each line the workers log. */
  onLog?: (message: string) => void
}): Promise<Runtime> {
  const workers = await Promise.all(options.workers.map(workerOptions))
  const before = children()
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: '127.0.0.1',
      port: options.port,
      // Miniflare would otherwise download the Request.cf object from Cloudflare: nothing leaves 127.0.0.1.
      cf: false,
      workers,
      handleStructuredLogs: ({ message }) => options.onLog?.(message),
    } as Parameters<typeof convertV4MiniflareOptions>[0]),
  )
  await mf.ready
  const pid = [...children()].find((child) => !before.has(child))
  return { url: `http://127.0.0.1:${options.port}`, pid, stop: () => mf.dispose() }
}
