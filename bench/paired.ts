/**
 * The floors, paired: the API's two ways in against the least each could cost, measured in rounds.
 * Each round runs the floor worker, the two-hop floor (a bare forwarder bound to the floor worker),
 * the core alone and front + core one after another, in a new order each round, so that each ratio
 * is taken between runs a few seconds apart; the report gives each ratio's median over the rounds
 * and its range, which is the machine's noise.
 */
import type { Row } from './measure.ts'

export const FLOOR = 'floor worker'
export const TWO_HOP = 'two-hop floor (bare forwarder → floor)'
export const CORE_ALONE = 'GET /mfa_status, cache on, the core alone'
export const FRONT_AND_CORE = 'GET /mfa_status, cache on: front + core'

/** The paired targets, in the order the table lists them. */
export const PAIRED = [FLOOR, TWO_HOP, CORE_ALONE, FRONT_AND_CORE] as const

/** Each measured against: the core alone against the floor, the front + core against the two-hop floor. */
const REFERENCE: Record<string, string> = { [TWO_HOP]: FLOOR, [CORE_ALONE]: FLOOR, [FRONT_AND_CORE]: TWO_HOP }

export interface PairedRegime {
  regime: string
  /** One list of rows a round, each holding every paired target once. */
  rounds: Row[][]
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

/** `median (low–high)`, or the one value of a single round. */
export const spread = (values: number[], digits: number): string => {
  if (values.length === 0) return '–'
  const m = median(values).toFixed(digits)
  return values.length === 1
    ? m
    : `${m} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`
}

/** The order of round `round`: the paired targets rotated, so none always runs first or last. */
export const roundOrder = (round: number): number[] => PAIRED.map((_, i) => (i + round) % PAIRED.length)

function rowOf(round: Row[], scenario: string): Row | undefined {
  return round.find((row) => row.scenario === scenario)
}

/** Per round, `f` of a target's row and its reference's row, where both ran. */
function perRound(rounds: Row[][], scenario: string, reference: string, f: (row: Row, ref: Row) => number | undefined) {
  return rounds.flatMap((round) => {
    const row = rowOf(round, scenario)
    const ref = rowOf(round, reference)
    const value = row && ref ? f(row, ref) : undefined
    return value === undefined || !Number.isFinite(value) ? [] : [value]
  })
}

const cpuUs = (row: Row) => (row.cpuMsPerRequest === undefined ? undefined : row.cpuMsPerRequest * 1000)

/** The markdown table of the paired targets, every regime, and the front's own CPU per request. */
export function pairedReport(regimes: PairedRegime[]): string {
  const lines = [
    '| regime | target | against | rps | p50 ms | workerd CPU µs/req | rps ratio | p50 ratio | CPU µs/req above it |',
    '| --- | --- | --- | --: | --: | --: | --: | --: | --: |',
  ]
  const notes: string[] = []
  for (const { regime, rounds } of regimes) {
    for (const scenario of PAIRED) {
      const rows = rounds.flatMap((round) => rowOf(round, scenario) ?? [])
      const reference = REFERENCE[scenario]
      const against = reference ? (reference === FLOOR ? 'floor' : 'two-hop floor') : '–'
      const ratio = (f: (row: Row, ref: Row) => number | undefined, digits = 2) =>
        reference ? spread(perRound(rounds, scenario, reference, f), digits) : '–'
      lines.push(
        [
          '',
          regime,
          scenario,
          against,
          spread(
            rows.map((row) => row.result.rps),
            0,
          ),
          spread(
            rows.map((row) => row.result.p50),
            0,
          ),
          spread(
            rows.flatMap((row) => cpuUs(row) ?? []),
            0,
          ),
          ratio((row, ref) => row.result.rps / ref.result.rps),
          ratio((row, ref) => row.result.p50 / ref.result.p50),
          ratio((row, ref) => {
            const [a, b] = [cpuUs(row), cpuUs(ref)]
            return a === undefined || b === undefined ? undefined : a - b
          }, 0),
          '',
        ]
          .join(' | ')
          .trim(),
      )
    }
    const own = perRound(rounds, FRONT_AND_CORE, CORE_ALONE, (row, ref) => {
      const [a, b] = [cpuUs(row), cpuUs(ref)]
      return a === undefined || b === undefined ? undefined : a - b
    })
    const forwarder = perRound(rounds, TWO_HOP, FLOOR, (row, ref) => {
      const [a, b] = [cpuUs(row), cpuUs(ref)]
      return a === undefined || b === undefined ? undefined : a - b
    })
    notes.push(
      `- ${regime}: the front's own CPU per request (front + core − the core alone) ${spread(own, 0)} µs; ` +
        `the bare forwarder's (two-hop floor − floor) ${spread(forwarder, 0)} µs.`,
    )
  }
  return [...lines, '', ...notes].join('\n')
}
