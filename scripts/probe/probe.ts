/**
 * The core of `npm run probe:saasus`: provokes, against the configured SaaSus,
 * each refusal the API must tell from an outage, and reports SaaSus's raw answer
 * beside the classifier's verdict and the expected one. SaaSus documents none of
 * these answers (docs/errors.md, "How a refusal is told from an outage"), so an operator
 * runs this once per tenant; the report's `dialect` replays them in the emulator.
 *
 * Plain `fetch` and Web Crypto only: the CLI runs it in Node, the tests in workerd.
 */
import type { Table } from '../../emulator/src/dialects.ts'
import { SAASUS_CALLS } from '../../src/core/saasus/calls.ts'
import type { SaasusSettings } from '../../src/core/saasus/client.ts'
import { userInfoSchema } from '../../src/core/saasus/types.ts'
import { answered, type Caller, signedCall } from './call.ts'
import type { CaseContext, CaseReport, ProbeInput } from './cases.ts'
import * as cases from './cases.ts'
import { dialectEntry, judge, type ProbeCase, type ProbeResult } from './result.ts'

export type { ProbeInput } from './cases.ts'
export type { Expected, ProbeCase, ProbeResult, Verdict } from './result.ts'

export interface ProbeOptions extends ProbeInput {
  /** Where SaaSus is and how to sign for it (`parseConfig(env).saasus`); its refusalWords count. */
  saasus: SaasusSettings
  /** Sent on every call, e.g. `X-SaaSus-Trace-Id` (the emulator picks a dialect by it). */
  headers?: Record<string, string>
  /** @default globalThis.fetch */
  fetch?: typeof fetch
}

export interface ProbeReport {
  /** When the probe started (ISO 8601). */
  probedAt: string
  authApiUrl: string
  /** One row per call that decides a case, in the order made. */
  results: ProbeResult[]
  /** Why the probe stopped after its first call, if it did. */
  stopped?: string
  /**
   * SaaSus's refusals as an emulator dialect (emulator/src/dialects.ts), strings
   * redacted: `PUT /_emulator/faults {"dialect": …}` replays them. The emulator
   * reads only this key of the report, so the whole file can be PUT as it is.
   */
  dialect: Table
}

/** Provokes each refusal in turn; stops after `/userinfo` if that does not name the user. */
export async function probeSaasus(options: ProbeOptions): Promise<ProbeReport> {
  const { saasus } = options
  const caller: Caller = { saasus, headers: options.headers ?? {}, fetch: options.fetch ?? globalThis.fetch }
  const report: ProbeReport = {
    probedAt: new Date().toISOString(),
    authApiUrl: saasus.authApiUrl,
    results: [],
    dialect: {},
  }

  const step: CaseContext['step'] = async (probeCase, call, request, expected, credentials) => {
    const outcome = await signedCall(caller, request, credentials)
    return { row: judge(probeCase, call, request.method, outcome, expected, saasus.refusalWords), outcome }
  }

  const first = await step(
    'userinfo',
    SAASUS_CALLS.getUserInfo,
    { method: 'GET', path: '/userinfo', query: { token: options.idToken } },
    'success',
  )
  const user = userInfoSchema.safeParse(answered(first.outcome) ? first.outcome.json : undefined)
  if (!first.row.ok || !user.success) {
    const row = first.row.ok ? { ...first.row, ok: false, note: 'the answer names no user' } : first.row
    report.results.push(row)
    report.stopped = '/userinfo did not name the test user, so nothing else was probed'
    return report
  }
  report.results.push(first.row)

  // The cases see the user's tokens, never the SaaSus secret (signing stays in `step`).
  const { idToken, accessToken, revokedAccessToken, loginCode } = options
  const input = { idToken, accessToken, revokedAccessToken, loginCode }
  const ctx: CaseContext = { input, userPath: `/users/${encodeURIComponent(user.data.id)}`, step }
  const order: [Exclude<ProbeCase, 'userinfo'>, () => Promise<CaseReport>][] = [
    // First: a login code is good for 10 s from the moment the operator copied it.
    ['login_code', () => cases.loginCode(ctx)],
    ['wrong_code', () => cases.wrongCode(ctx)],
    ['not_registered', () => cases.notRegistered(ctx)],
    ['access_token', () => cases.accessToken(ctx)],
    ['refresh_token', () => cases.refreshToken(ctx)],
    ['signature', () => cases.signature(ctx, { saasId: saasus.saasId, apiKey: saasus.apiKey })],
  ]
  for (const [name, run] of order) {
    const { rows, refusal } = await run()
    report.results.push(...rows)
    if (refusal) report.dialect[name] = dialectEntry(refusal)
  }
  return report
}
