/**
 * The probe's report as an operator reads it in a terminal: one row per call,
 * SaaSus's words beside the verdict and the expected one, then the notes. The
 * report holds no token, secret or signature, so neither does anything printed.
 */
import type { ProbeReport, ProbeResult } from './probe.ts'

const COLUMNS = ['case', 'call', 'status', 'type', 'message', 'verdict', 'expected', ''] as const

// Wide enough for Cognito's exception names and a readable start of a message; the file keeps all.
const TYPE_WIDTH = 34
const MESSAGE_WIDTH = 44

const clip = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text)

/** `kind/refusal`, `success`, or `–` for a case not provoked. */
export function verdictText(verdict: ProbeResult['verdict'] | ProbeResult['expected']): string {
  if (verdict === undefined) return '–'
  if (verdict === 'success') return 'success'
  return verdict.refusal ? `${verdict.kind}/${verdict.refusal}` : verdict.kind
}

const mark = (row: ProbeResult) => (!row.provoked ? '–' : row.ok ? '✓' : '✗')

/** The table's lines, columns padded to their widest cell. */
export function resultTable(report: ProbeReport): string[] {
  const cells = report.results.map((row) => [
    row.case,
    row.operation,
    row.status === undefined ? '–' : String(row.status),
    clip(row.type ?? '', TYPE_WIDTH),
    clip(row.message ?? '', MESSAGE_WIDTH),
    verdictText(row.verdict),
    verdictText(row.expected),
    mark(row),
  ])
  const rows = [[...COLUMNS], ...cells]
  const widths = COLUMNS.map((_, column) => Math.max(...rows.map((cells) => cells[column]?.length ?? 0)))
  return rows.map((cells) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  )
}

/** One line per row that carries a note: what was sent, or why a case was not provoked. */
export function notes(report: ProbeReport): string[] {
  return report.results.filter((row) => row.note).map((row) => `  ${row.case} (${row.operation}): ${row.note}`)
}
