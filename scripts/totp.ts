/**
 * `npm run totp -- [--next] [<base32 secret | otpauth:// URI | GET /mfa_setup answer>]`: prints
 * the six-digit code an authenticator app shows now. Without an argument it reads standard input,
 * so `curl -s …/mfa_setup | npm run -s totp` prints the code (of a setup answer, its `qrCodeUrl`).
 * `--next` waits for the next 30-second step and prints that step's code: the API takes each step's
 * code once, so a step-up right after a verify needs a code of its own. Anything else gets one line
 * saying what is wrong, and exit code 2.
 */
import { text } from 'node:stream/consumers'
import { parseArgs } from 'node:util'
import { TOTP, URI } from 'otpauth'

const USAGE =
  'usage: npm run totp -- [--next] <base32 secret | otpauth://totp/...?secret=... URI>, or pipe one (or a GET /mfa_setup answer) to npm run -s totp'
/** Fewer base32 characters than this (80 bits) is not a secret an authenticator app is given. */
const MIN_SECRET_LENGTH = 16

function fail(message: string): never {
  console.error(`npm run totp: ${message}`)
  process.exit(2)
}

/**
 * A secret as apps show it (any case, maybe in groups of four) checked for base32 (RFC 4648). Alone,
 * it is all the input is, so it must look like one: `hello world` is refused, not turned into a code.
 */
function secretOf(input: string, alone = false): string {
  const secret = input.replace(/[\s-]/g, '').toUpperCase()
  const what = alone ? 'not an otpauth:// URI, a GET /mfa_setup answer or a base32 secret' : 'the secret is not base32'
  const bad = /[^A-Z2-7=]/.exec(secret)?.[0]
  if (bad !== undefined) fail(`${what}: "${bad}" cannot appear in base32 (letters A-Z and digits 2-7 only)`)
  if (!/^[A-Z2-7]+=*$/.test(secret)) fail(`${what}: it is empty, or has "=" padding in the middle`)
  const length = secret.replace(/=+$/, '').length
  if (alone && length < MIN_SECRET_LENGTH)
    fail(`${what}: a secret has ${MIN_SECRET_LENGTH} characters or more, this has ${length}`)
  return secret
}

/** An otpauth://totp/ URI; the scheme and type are read in any case, as otpauth reads them. */
function fromUri(uri: string): TOTP {
  const type = (/^otpauth:\/\/([^/?#]*)/i.exec(uri)?.[1] ?? '').toLowerCase()
  if (type === 'hotp') fail('otpauth://hotp/ is a counter-based (HOTP) code; this prints time-based (TOTP) codes')
  if (type !== 'totp') fail(`otpauth://${type}/ is not otpauth://totp/`)
  const query = new URLSearchParams(uri.split('?')[1] ?? '')
  const secret = [...query].find(([name]) => name.toLowerCase() === 'secret')?.[1]
  if (!secret) fail('the URI has no secret= parameter (otpauth://totp/Label?secret=BASE32...)')
  secretOf(secret)
  try {
    return URI.parse(uri) as TOTP
  } catch (error) {
    // otpauth's own words name the parameter, e.g. "Invalid 'digits' parameter".
    return fail(`the URI is not valid: ${(error as Error).message}`)
  }
}

/** The `qrCodeUrl` of a `GET /mfa_setup` answer; an error answer is named by its code, never echoed. */
function fromSetupAnswer(json: string): string {
  let answer: unknown
  try {
    answer = JSON.parse(json)
  } catch {
    return fail('the input starts like JSON but is not JSON')
  }
  const { qrCodeUrl, code } = (answer ?? {}) as { qrCodeUrl?: unknown; code?: unknown }
  if (typeof qrCodeUrl === 'string') return qrCodeUrl
  const why = typeof code === 'string' ? `, but an error answer (code "${code}")` : ''
  return fail(`the JSON has no qrCodeUrl: not a GET /mfa_setup answer${why}`)
}

function totpOf(input: string): TOTP {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(input)?.[1]
  if (scheme === undefined) return new TOTP({ secret: secretOf(input, true) })
  if (scheme.toLowerCase() !== 'otpauth') fail(`"${scheme}://" is not otpauth://`)
  return fromUri(input)
}

const { values, positionals } = (() => {
  try {
    return parseArgs({ options: { next: { type: 'boolean' } }, allowPositionals: true })
  } catch {
    return fail(USAGE)
  }
})()
if (positionals.length > 1) fail(USAGE)
let input = positionals[0]
if (input === undefined) {
  // Nothing piped in: a newcomer at a prompt, not a script waiting on a pipe.
  if (process.stdin.isTTY) fail(USAGE)
  input = (await text(process.stdin)).trim()
  if (input === '') fail('standard input is empty: pipe a GET /mfa_setup answer, an otpauth:// URI or a base32 secret')
}
input = input.trim()
const totp = totpOf(input.startsWith('{') ? fromSetupAnswer(input) : input)

let timestamp = Date.now()
if (values.next) {
  const stepMs = totp.period * 1_000
  const nextStep = (Math.floor(timestamp / stepMs) + 1) * stepMs
  if (process.stderr.isTTY) console.error(`waiting ${Math.ceil((nextStep - timestamp) / 1_000)} s for the next code…`)
  await new Promise((resolve) => setTimeout(resolve, nextStep - timestamp))
  timestamp = Math.max(Date.now(), nextStep)
}
console.log(totp.generate({ timestamp }))
