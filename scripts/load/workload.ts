/**
 * What one virtual user of the load script does: a weighted mix of every route,
 * good and bad requests alike, sent one after another for one emulator user, and
 * what the API's answers say that user's MFA state must now be.
 *
 * One client per user keeps each user's requests in order, so a success can be
 * checked against the emulator's final state without guessing at interleavings.
 */
import { TOTP } from 'otpauth'
import { ERRORS } from '../../src/shared/errors.ts'

export interface LoadUser {
  id: string
  id_token: string
  access_token: string
}

/** What the API's answers imply about a user. `undefined`: an answer was lost, so it is not known. */
export interface Expected {
  enabled: boolean | undefined
  /** A verification succeeded, so an authenticator is registered (nothing in the API unregisters one). */
  registered: boolean
}

export interface Outcome {
  route: string
  status: number
  /** The catalogue code, `ok`, or `unclassified: …` for an answer of no known shape. */
  label: string
  ms: number
}

type Step = (client: VirtualUser) => Promise<Outcome>

/** The p-th percentile of ascending `sorted` (0 when empty). */
export const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0)

/** An authenticator app for `secret`, as SaaSus (and the emulator) set it up. */
export const totp = (secret: string) => new TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 })

function wrongCode(secret: string): string {
  const accepted = new Set(
    [-30_000, 0, 30_000].map((offset) => totp(secret).generate({ timestamp: Date.now() + offset })),
  )
  for (let n = 0; ; n++) if (!accepted.has(String(n).padStart(6, '0'))) return String(n).padStart(6, '0')
}

export class VirtualUser {
  readonly expected: Expected = { enabled: false, registered: false }
  private secret: string | undefined

  readonly api: string
  readonly user: LoadUser
  readonly abortAfterMs: number

  // Plain fields, not parameter properties: Node's type stripping runs only erasable syntax.
  constructor(api: string, user: LoadUser, abortAfterMs: number) {
    this.api = api
    this.user = user
    this.abortAfterMs = abortAfterMs
  }

  /** Sends one request and classifies its answer. Never throws. */
  async send(route: string, path: string, init: RequestInit, success: (body: unknown) => boolean): Promise<Outcome> {
    const started = performance.now()
    try {
      const res = await fetch(`${this.api}${path}`, { ...init, signal: AbortSignal.timeout(this.abortAfterMs) })
      const text = await res.text()
      const ms = performance.now() - started
      return { route, status: res.status, label: classify(res.status, text, success), ms }
    } catch (error) {
      const ms = performance.now() - started
      const hung = error instanceof Error && error.name === 'TimeoutError'
      return { route, status: 0, label: hung ? 'hung' : `no answer: ${String(error)}`, ms }
    }
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { Authorization: `Bearer ${this.user.id_token}`, 'X-Access-Token': this.user.access_token, ...extra }
  }

  /** The next request of the mix, chosen at random by weight. */
  async step(): Promise<Outcome> {
    let roll = Math.random() * TOTAL_WEIGHT
    for (const [weight, step] of STEPS) {
      roll -= weight
      if (roll < 0) return step(this)
    }
    return status(this)
  }

  static readonly steps = {
    status: (c: VirtualUser) =>
      c.send('GET /mfa_status', '/mfa_status', { headers: c.headers() }, (b) => hasKey(b, 'enabled')),

    setup: async (c: VirtualUser) => {
      let secret: string | null = null
      const outcome = await c.send('GET /mfa_setup', '/mfa_setup', { headers: c.headers() }, (b) => {
        if (!hasKey(b, 'qrCodeUrl')) return false
        secret = new URL(String((b as { qrCodeUrl: string }).qrCodeUrl)).searchParams.get('secret')
        return secret !== null
      })
      // A lost answer may or may not have replaced the pending secret; a later verify will tell.
      if (outcome.label === 'ok') c.secret = secret ?? undefined
      return outcome
    },

    verify: async (c: VirtualUser) => {
      const right = c.secret !== undefined && Math.random() < 0.8
      const code = c.secret === undefined ? '123456' : right ? totp(c.secret).generate() : wrongCode(c.secret)
      const outcome = await c.send(
        'POST /mfa_verify',
        '/mfa_verify',
        {
          method: 'POST',
          headers: c.headers({ 'Content-Type': 'application/json' }),
          body: JSON.stringify({ verification_code: code }),
        },
        (b) => hasKey(b, 'message'),
      )
      if (outcome.label === 'ok') {
        c.expected.registered = true
        c.secret = undefined
      }
      return outcome
    },

    enable: (c: VirtualUser) => c.write('enable', true),
    disable: (c: VirtualUser) => c.write('disable', false),

    preflight: (c: VirtualUser) =>
      c.send(
        'OPTIONS /mfa_verify',
        '/mfa_verify',
        { method: 'OPTIONS', headers: { Origin: 'http://localhost:3000', 'Access-Control-Request-Method': 'POST' } },
        () => true,
      ),
    unknownRoute: (c: VirtualUser) => c.send('GET /unknown', '/nowhere', { headers: c.headers() }, () => false),
    forgedToken: (c: VirtualUser) =>
      c.send(
        'GET /mfa_status (forged token)',
        '/mfa_status',
        { headers: { Authorization: 'Bearer eyJ.forged.x' } },
        () => false,
      ),
    foreignOrigin: (c: VirtualUser) =>
      c.send(
        'GET /mfa_status (foreign origin)',
        '/mfa_status',
        { headers: c.headers({ Origin: 'https://evil.example' }) },
        () => false,
      ),
    oversized: (c: VirtualUser) =>
      c.send(
        'POST /mfa_enable (5 KiB)',
        '/mfa_enable',
        { method: 'POST', headers: c.headers({ 'Content-Type': 'application/json' }), body: ' '.repeat(5_000) },
        () => false,
      ),
  }

  private async write(action: 'enable' | 'disable', enabled: boolean): Promise<Outcome> {
    const outcome = await this.send(
      `POST /mfa_${action}`,
      `/mfa_${action}`,
      { method: 'POST', headers: this.headers({ 'Content-Type': 'application/json' }), body: '{}' },
      (b) => hasKey(b, 'message'),
    )
    if (outcome.label === 'ok') this.expected.enabled = enabled
    // 5xx or no answer: SaaSus may or may not have applied it. 4xx: it refused, nothing changed.
    else if (outcome.status >= 500 || outcome.status === 0) this.expected.enabled = undefined
    return outcome
  }
}

const { status } = VirtualUser.steps
const STEPS: [number, Step][] = [
  [25, status],
  [12, VirtualUser.steps.setup],
  [15, VirtualUser.steps.verify],
  [12, VirtualUser.steps.enable],
  [12, VirtualUser.steps.disable],
  [6, VirtualUser.steps.preflight],
  [4, VirtualUser.steps.unknownRoute],
  [6, VirtualUser.steps.forgedToken],
  [4, VirtualUser.steps.foreignOrigin],
  [4, VirtualUser.steps.oversized],
]
const TOTAL_WEIGHT = STEPS.reduce((sum, [weight]) => sum + weight, 0)

/** A success body of the route's shape: it holds the route's field (others may be added over time). */
const hasKey = (body: unknown, key: string) => typeof body === 'object' && body !== null && key in body

/** `ok` for a success of the route's shape, the code for a catalogue error, else `unclassified: …`. */
function classify(status: number, text: string, success: (body: unknown) => boolean): string {
  if (status === 204 && text === '') return success(undefined) ? 'ok' : 'unclassified: 204'
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return `unclassified: ${status} not JSON`
  }
  if (status >= 200 && status < 300) return success(body) ? 'ok' : `unclassified: ${status} shape`
  const code = (body as { code?: unknown }).code
  if (typeof code !== 'string' || !(code in ERRORS)) return `unclassified: ${status} no code`
  return ERRORS[code as keyof typeof ERRORS].status === status ? code : `unclassified: ${status} ${code}`
}
