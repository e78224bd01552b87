/**
 * Part of `npm run check`: the bytes `wrangler deploy` would upload for each Worker, as
 * `wrangler deploy --dry-run --outdir .wrangler/size/<worker>` writes them (offline: nothing is
 * uploaded). No flag of our own: both configs set `minify = true`, so what is measured is what
 * deploys. The gzip figure is wrangler's (zlib over the modules it wrote); the script gzips the
 * files itself and fails if the two disagree. `--check` fails when a Worker is past its budget.
 *
 * The front runs near every user and starts cold more often: Hono, the error catalogue, CORS and
 * the shape checks, 14.7 KiB gzip on 2026-12-07, so 15 KiB; the tenant routes (issue 22: five
 * route-table entries, the path-id check, five catalogue entries) made it 15.3 KiB, so 16 KiB.
 * zod, the SaaSus client or src/core/account/ pulled in by an import would break it at once
 * (zod/mini alone is ~10 KiB gzip).
 *
 * The core's was 40 KiB gzip, the project's stated ceiling including the QR-code library, until
 * account protection (issue 11: two Durable Object classes, the AES-GCM box, the TOTP check,
 * recovery codes, four routes with their OpenAPI descriptions, no library) added 6.8 KiB; so 48 KiB:
 * room for small growth. Tenant MFA policy (issue 22: a third Durable Object class, five routes with
 * their OpenAPI descriptions, the members page) added 5.5 KiB, to 51.2 KiB; so 56 KiB. Security
 * webhooks (issue 23: the outbox, the queue consumer, a fourth object class, two routes) added 9 KiB,
 * 4.8 of them the `standardwebhooks` package (its SHA-256 and base64 in plain JavaScript: the issue
 * asked for a well-kept implementation of the signature, not ours over Web Crypto), to 60.2 KiB;
 * so 64 KiB. Both stay
 * far below what the mistakes that matter cost (classic `zod` instead of `zod/mini` adds ~90 KiB;
 * a crypto or TOTP library tens of KiB; Web Crypto does both here).
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { dryRunBundle } from './stack.ts'
import { ROOT } from './wrangler-local.ts'

export interface Worker {
  config: string
  /** KiB, gzip, as wrangler reports "Total Upload: … / gzip: …". */
  budgetGzipKiB: number
}

export const WORKERS = {
  front: { config: 'wrangler.toml', budgetGzipKiB: 16 },
  core: { config: 'wrangler.core.toml', budgetGzipKiB: 64 },
} as const satisfies Record<string, Worker>

export type WorkerName = keyof typeof WORKERS

export interface BundleSize {
  /** Where the dry run wrote the bundle, relative to the root. */
  outdir: string
  totalKiB: number
  gzipKiB: number
}

const kib = (bytes: number) => Number((bytes / 1024).toFixed(2))

/**
 * The modules wrangler wrote, in the order it uploads them (the entry first): its size report
 * gzips their concatenation. Source maps are uploaded only with `upload_source_maps`, which is off.
 */
function modules(outdir: string): Buffer[] {
  const names = readdirSync(outdir).filter((name) => /\.(m?js|cjs|wasm|bin|txt)$/.test(name))
  names.sort((a, b) => Number(b === 'index.js') - Number(a === 'index.js') || a.localeCompare(b))
  return names.map((name) => readFileSync(join(outdir, name)))
}

export async function measureBundle(worker: WorkerName): Promise<BundleSize> {
  const { config } = WORKERS[worker]
  const outdir = join('.wrangler', 'size', worker)
  rmSync(join(ROOT, outdir), { recursive: true, force: true })
  const output = await dryRunBundle({ config, outdir })
  const reported = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output)
  if (!reported) throw new Error(`wrangler deploy --dry-run -c ${config} printed no size:\n${output.slice(-4_000)}`)

  const bytes = Buffer.concat(modules(join(ROOT, outdir)))
  const size = { outdir, totalKiB: kib(bytes.length), gzipKiB: kib(gzipSync(bytes).length) }
  if (size.totalKiB !== Number(reported[1]) || size.gzipKiB !== Number(reported[2])) {
    throw new Error(
      `${outdir} holds ${size.totalKiB} KiB / gzip ${size.gzipKiB} KiB, but wrangler reported ` +
        `${reported[1]} KiB / gzip ${reported[2]} KiB: the files measured are not the ones it uploads.`,
    )
  }
  return size
}

if (import.meta.main) {
  let over = false
  for (const worker of Object.keys(WORKERS) as WorkerName[]) {
    const { config, budgetGzipKiB } = WORKERS[worker]
    const size = await measureBundle(worker)
    const share = ((size.gzipKiB / budgetGzipKiB) * 100).toFixed(0)
    console.log(
      `${worker} (${config}, wrangler deploy --dry-run --outdir ${size.outdir}): ${size.totalKiB.toFixed(2)} KiB, ` +
        `gzip ${size.gzipKiB.toFixed(2)} KiB (budget ${budgetGzipKiB} KiB gzip, ${share}% used)`,
    )
    if (size.gzipKiB > budgetGzipKiB) {
      over = true
      console.error(
        `${worker}'s bundle is past its ${budgetGzipKiB} KiB budget (scripts/size.ts says why it is set there).`,
      )
    }
  }
  if (process.argv.includes('--check') && over) process.exit(1)
}
