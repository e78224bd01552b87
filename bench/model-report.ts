/**
 * The latency model's part of bench/results/latest.md: every step predicted and
 * measured, each visit's total, and issue 12's two goals for the far user.
 */
import type { StepTiming } from './latency.ts'
import { delays, type Hops, type Layout, type User } from './model.ts'

export type Visit = 'first visit' | 'return visit'

export interface ModelResult {
  user: User
  /** The hops as run (scaled). */
  hops: Hops
  layout: Layout
  visits: Record<Visit, StepTiming[]>
}

const ms = (value: number) => String(Math.round(value))
const pair = (preflight: number, request: number) => (preflight > 0 ? `${ms(preflight)} + ${ms(request)}` : ms(request))
const predictedTotal = (steps: StepTiming[]) =>
  steps.reduce((sum, t) => sum + t.predicted.preflightMs + t.predicted.requestMs, 0)
const measuredTotal = (steps: StepTiming[]) => steps.reduce((sum, t) => sum + t.preflightMs + t.requestMs, 0)
/** The slowest step, preflight included: what one click of the user waits for. */
const slowest = (steps: StepTiming[], of: (t: StepTiming) => number) => Math.max(...steps.map(of))

function goals(results: ModelResult[]): string[] {
  const far = results.filter((r) => r.user === results.at(-1)?.user)
  const placed = far.find((r) => r.layout === 'placed single worker')
  const split = far.find((r) => r.layout === 'front + core')
  if (!placed || !split) return []
  const { u, L } = split.hops
  const first = (r: ModelResult) => r.visits['first visit']
  const worst = slowest(first(split), (t) => t.preflightMs + t.requestMs)
  const worstPlaced = slowest(first(placed), (t) => t.preflightMs + t.requestMs)
  const ratio = measuredTotal(first(split)) / measuredTotal(first(placed))
  const predictedRatio = predictedTotal(first(split)) / predictedTotal(first(placed))
  return [
    `Goals, for the ${split.user.name} user (u = ${ms(u)}, L = ${ms(L)} ms as run):`,
    '',
    `- No click pays more than one long haul with preflights cold (preflight + request ≈ u + L + a few ms, not u + 2L): ` +
      `slowest first-visit step front + core ${ms(worst)} ms against u + L = ${ms(u + L)} ms and u + 2L = ${ms(u + 2 * L)} ms; ` +
      `placed single worker ${ms(worstPlaced)} ms.`,
    `- A far user's first enrolment costs about half of today's: front + core / placed = ${ratio.toFixed(2)} measured ` +
      `(${predictedRatio.toFixed(2)} predicted).`,
  ]
}

export function modelReport(results: ModelResult[], scale: number, samples: number): string {
  const first = results[0]
  const hopsLine = results
    .filter((r) => r.layout === first?.layout)
    .map((r) => `${r.user.name}: u ${r.hops.u}, L ${r.hops.L}, p ${r.hops.p}, a ${r.hops.a}`)
    .join('; ')
  const lines = [
    '## The latency model, reproduced',
    '',
    "docs/performance.md's model as code (bench/model.ts): u = user → nearest edge, L = edge → SaaSus's region,",
    "p = a worker next to SaaSus → SaaSus, a = SaaSus's own time per call (assumed), all round trips in ms.",
    'Placed single worker (before the split): the user reaches it in u + L (preflights too) and it pays p + a per SaaSus call;',
    'measured as the front and the core in one workerd behind a u + L proxy, which is that layout. Front + core:',
    "the front at the user's edge answers preflights in u and reaches the core in L through its CORE service binding.",
    "Measured: a sequential client through a delay proxy of the user's hop, a delay proxy between the front's CORE",
    'binding and the core (in a workerd of its own), and the emulator adding p + a',
    `per call; median of ${samples} user(s) per visit; connections warm. ${scale === 1 ? 'Delays at full scale' : `Every delay divided by ${scale}, predictions too`}`,
    `(${hopsLine}). A step shows _preflight + request_ when the browser sends a preflight first.`,
    '',
    '| user | layout | visit | step | SaaSus calls (model / counted) | predicted ms | measured ms |',
    '| --- | --- | --- | --- | --: | --: | --: |',
  ]
  for (const r of results) {
    for (const [visit, steps] of Object.entries(r.visits)) {
      for (const t of steps) {
        lines.push(
          `| ${r.user.name} | ${r.layout} | ${visit} | ${t.step.name} | ${t.step.calls} / ${t.calls} | ` +
            `${pair(t.predicted.preflightMs, t.predicted.requestMs)} | ${pair(t.preflightMs, t.requestMs)} |`,
        )
      }
    }
  }
  lines.push(
    '',
    '| user | layout | delays as run, ms: user hop RTT, core hop RTT, per SaaSus call | first visit predicted / measured ms | return visit predicted / measured ms |',
    '| --- | --- | --- | --: | --: |',
  )
  for (const r of results) {
    const d = delays(r.layout, r.hops)
    const visit = (v: Visit) => `${ms(predictedTotal(r.visits[v]))} / ${ms(measuredTotal(r.visits[v]))}`
    lines.push(
      `| ${r.user.name} | ${r.layout} | ${d.userToEntry}, ${d.frontToCore}, ${d.perCall} | ${visit('first visit')} | ${visit('return visit')} |`,
    )
  }
  lines.push('', ...goals(results))
  return lines.join('\n')
}
