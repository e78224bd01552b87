/**
 * The latency model of docs/performance.md ("Placement and the latency model"),
 * as code: three hops (u = user → nearest edge, L = that edge → SaaSus's region,
 * p + a = a Worker next to SaaSus → SaaSus plus SaaSus's own time), the steps a
 * first visit (enrolment, preflights cold) and a return visit make as the demo
 * page (emulator/demo/demo.js) makes them, and the two layouts. Predicted = the
 * sum of the round trips a step crosses; bench/run.ts measures the same steps
 * through delay proxies on each hop.
 */

export interface Hops {
  /** User → nearest Cloudflare data center, round trip in ms. */
  u: number
  /** That data center → SaaSus's region, round trip in ms. */
  L: number
  /** A Worker placed next to SaaSus → SaaSus, round trip in ms. */
  p: number
  /** SaaSus's own time per call, in ms (assumed). */
  a: number
}

export interface User {
  name: string
  hops: Hops
}

/** docs/performance.md's figures: u = 20 ms metro; L from AWS inter-region averages; p = 2 ms. */
export const USERS: User[] = [
  { name: 'near SaaSus (Tokyo)', hops: { u: 20, L: 2, p: 2, a: 10 } },
  { name: 'far (Frankfurt)', hops: { u: 20, L: 236, p: 2, a: 10 } },
]

export type Layout = 'placed single worker' | 'front + core'
export const LAYOUTS: Layout[] = ['placed single worker', 'front + core']

export interface Step {
  name: string
  method: 'GET' | 'POST'
  path: string
  /** Whether the browser sends a preflight first (no cached one for this URL yet). */
  preflight: boolean
  /** SaaSus calls the API makes for it. */
  calls: number
  /** Sends X-Access-Token (setup, verify). */
  accessToken?: boolean
  /** Has a JSON body; `verify` gets the current code. */
  body?: 'empty' | 'code'
}

/** A new user enrols: the demo's "Add an authenticator", then "Verify and enable". */
export const FIRST_VISIT: Step[] = [
  { name: 'open: GET /mfa_status', method: 'GET', path: '/mfa_status', preflight: true, calls: 2 },
  { name: 'GET /mfa_setup', method: 'GET', path: '/mfa_setup', preflight: true, calls: 2, accessToken: true },
  {
    name: 'POST /mfa_verify',
    method: 'POST',
    path: '/mfa_verify',
    preflight: true,
    calls: 2,
    accessToken: true,
    body: 'code',
  },
  { name: 'POST /mfa_enable', method: 'POST', path: '/mfa_enable', preflight: true, calls: 2, body: 'empty' },
  // Same URL as the first step: its preflight is cached (Access-Control-Max-Age), and so is the user.
  { name: 'refresh: GET /mfa_status', method: 'GET', path: '/mfa_status', preflight: false, calls: 1 },
]

/**
 * The enrolled user comes back within the preflight cache's life and turns MFA
 * off. The user cache is cold (another token, a later page load); /mfa_disable
 * was never called from this browser, so its preflight is not cached.
 */
export const RETURN_VISIT: Step[] = [
  { name: 'open: GET /mfa_status', method: 'GET', path: '/mfa_status', preflight: false, calls: 2 },
  { name: 'POST /mfa_disable', method: 'POST', path: '/mfa_disable', preflight: true, calls: 2, body: 'empty' },
  { name: 'refresh: GET /mfa_status', method: 'GET', path: '/mfa_status', preflight: false, calls: 1 },
]

/** The one-way delays of each proxied hop and the emulator's latency, for a layout. */
export function delays(layout: Layout, hops: Hops) {
  return layout === 'placed single worker'
    ? // The request enters at the user's edge and travels to the placed Worker: u + L to reach it.
      { userToEntry: hops.u + hops.L, frontToCore: 0, perCall: hops.p + hops.a }
    : { userToEntry: hops.u, frontToCore: hops.L, perCall: hops.p + hops.a }
}

export interface Prediction {
  preflightMs: number
  requestMs: number
}

/** Round trips a step crosses: the preflight is answered by whichever worker the user reaches first. */
export function predict(layout: Layout, hops: Hops, step: Step): Prediction {
  const d = delays(layout, hops)
  return {
    preflightMs: step.preflight ? d.userToEntry : 0,
    requestMs: d.userToEntry + d.frontToCore + step.calls * d.perCall,
  }
}

/** Every delay divided by `scale`, to keep the bench short. */
export function scaled(hops: Hops, scale: number): Hops {
  return { u: hops.u / scale, L: hops.L / scale, p: hops.p / scale, a: hops.a / scale }
}
