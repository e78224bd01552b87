/**
 * Part of `npm run check`: each Worker's deployable bundle, as `wrangler deploy --dry-run
 * --minify` reports it (offline: nothing is uploaded). `--check` fails when a
 * gzip size is past its budget; `npm run check` (and so `npm test`) runs it.
 *
 * The front (wrangler.toml) runs near every user and starts cold more often: Hono,
 * the error catalogue, CORS and the shape checks, 13.8 KiB gzip on 2026-11-30, so
 * 15 KiB; zod, the SaaSus client or src/core/account/ pulled in by an import would
 * break it at once. The budget below is the core's (wrangler.core.toml).
 *
 * The budget was 40 KiB gzip, the project's stated ceiling including the QR-code
 * library: ~24.5 KiB before the QR code, 37.7 KiB on 2026-11-30. Account
 * protection (issue 11: two Durable Object classes, the AES-GCM box, the TOTP
 * check, recovery codes, four routes with their OpenAPI descriptions, no library)
 * measured +6.8 KiB (44.5 KiB), so the budget is 48 KiB: room for small growth,
 * still far below what the mistakes that matter cost (classic `zod` instead of
 * `zod/mini` adds ~90 KiB; a crypto or TOTP library would add tens of KiB; Web
 * Crypto does both here). This script prints today's size.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dryRunBundle } from './stack.ts'

/** KiB, gzip, as wrangler reports "Total Upload: … / gzip: …", per Worker config. */
export const BUNDLE_BUDGETS_GZIP_KIB = { 'wrangler.toml': 15, 'wrangler.core.toml': 48 } as const

export interface BundleSize {
  totalKiB: number
  gzipKiB: number
}

export async function measureBundle(config: string): Promise<BundleSize> {
  const outdir = mkdtempSync(join(tmpdir(), 'saasus-mfa-edge-size-'))
  try {
    const output = await dryRunBundle({ config, outdir, minify: true })
    const match = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output)
    if (!match) throw new Error(`wrangler deploy --dry-run printed no size:\n${output.slice(-4_000)}`)
    return { totalKiB: Number(match[1]), gzipKiB: Number(match[2]) }
  } finally {
    rmSync(outdir, { recursive: true, force: true })
  }
}

if (import.meta.main) {
  let over = false
  for (const [config, budget] of Object.entries(BUNDLE_BUDGETS_GZIP_KIB)) {
    const size = await measureBundle(config)
    const share = ((size.gzipKiB / budget) * 100).toFixed(0)
    console.log(
      `${config} (wrangler deploy --dry-run --minify): ${size.totalKiB} KiB, gzip ${size.gzipKiB} KiB ` +
        `(budget ${budget} KiB gzip, ${share}% used)`,
    )
    if (size.gzipKiB > budget) {
      over = true
      console.error(`${config}'s bundle is past its ${budget} KiB budget (scripts/size.ts says why it is set there).`)
    }
  }
  if (process.argv.includes('--check') && over) process.exit(1)
}
