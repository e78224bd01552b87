/**
 * `npm run size`: the deployable bundle's size, as `wrangler deploy --dry-run
 * --minify` reports it (offline: nothing is uploaded). `--check` fails when the
 * gzip size is past the budget; `npm run check` (and so `npm test`) runs it.
 *
 * The budget, 40 KiB gzip, is the project's stated ceiling including the QR-code
 * library. The bundle was ~24.5 KiB before the QR code and is ~36 KiB on
 * 2026-11-30 (this script prints today's). It catches the mistakes that matter:
 * classic `zod` instead of `zod/mini` adds ~90 KiB, and a second validation or
 * crypto library would cross it too. Past 40 KiB the cold start (script parse)
 * starts to show against the 1-call floor.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT, WRANGLER } from './stack.ts'

/** KiB, gzip, as wrangler reports "Total Upload: … / gzip: …". */
export const BUNDLE_BUDGET_GZIP_KIB = 40

export interface BundleSize {
  totalKiB: number
  gzipKiB: number
}

export function measureBundle(): BundleSize {
  const outdir = mkdtempSync(join(tmpdir(), 'saasus-mfa-edge-size-'))
  try {
    // The Node running this script (24), as stack.ts does, not the first `node` on PATH.
    const result = spawnSync(process.execPath, [WRANGLER, 'deploy', '--dry-run', '--minify', '--outdir', outdir], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
      // Both would try the network: the Request.cf object download and usage metrics.
      env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' },
    })
    const output = `${result.stdout}\n${result.stderr}`
    const match = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output)
    if (result.status !== 0 || !match) throw new Error(`wrangler deploy --dry-run failed:\n${output.slice(-4_000)}`)
    return { totalKiB: Number(match[1]), gzipKiB: Number(match[2]) }
  } finally {
    rmSync(outdir, { recursive: true, force: true })
  }
}

if (import.meta.main) {
  const size = measureBundle()
  const share = ((size.gzipKiB / BUNDLE_BUDGET_GZIP_KIB) * 100).toFixed(0)
  console.log(
    `bundle (wrangler deploy --dry-run --minify): ${size.totalKiB} KiB, gzip ${size.gzipKiB} KiB ` +
      `(budget ${BUNDLE_BUDGET_GZIP_KIB} KiB gzip, ${share}% used)`,
  )
  if (process.argv.includes('--check') && size.gzipKiB > BUNDLE_BUDGET_GZIP_KIB) {
    console.error(
      `The bundle is ${size.gzipKiB} KiB gzip, past the ${BUNDLE_BUDGET_GZIP_KIB} KiB budget (scripts/size.ts says why it is set there).`,
    )
    process.exit(1)
  }
}
