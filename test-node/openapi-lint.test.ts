/**
 * The served document passes Redocly's `recommended` rules, the linter its readers are likeliest to
 * run on it: servers declared, a 4xx on every operation, no component left unused, and the rest.
 * The installed CLI runs offline, telemetry and its update check off, on public/openapi.json (which
 * test/routes/openapi.test.ts proves is what /openapi.json answers).
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CLI = fileURLToPath(new URL('../node_modules/@redocly/cli/bin/cli.js', import.meta.url))

interface LintReport {
  totals: { errors: number; warnings: number }
  problems: { ruleId: string; message: string; location: { pointer: string }[] }[]
}

function lint(file: string): LintReport {
  const run = spawnSync(process.execPath, [CLI, 'lint', file, '--extends', 'recommended', '--format', 'json'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    timeout: 60_000,
  })
  if (!run.stdout.trim()) throw new Error(`redocly lint printed no report: ${run.stderr}`)
  return JSON.parse(run.stdout) as LintReport
}

describe('public/openapi.json', () => {
  it("passes Redocly's recommended rules, without a warning", () => {
    const report = lint('public/openapi.json')
    const problems = report.problems.map(
      ({ ruleId, message, location }) => `${ruleId} at ${location[0]?.pointer}: ${message}`,
    )
    expect(problems).toEqual([])
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 })
  })
})
