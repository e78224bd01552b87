/**
 * `npm run totp -- <base32 secret | otpauth:// URI>`: prints the current
 * six-digit code, as an authenticator app would show it. Bad input gets one line
 * saying what is wrong, and exit code 2.
 */
import { TOTP, URI } from 'otpauth'

const USAGE = 'usage: npm run totp -- <base32 secret | otpauth://totp/...?secret=... URI>'

function fail(message: string): never {
  console.error(`npm run totp: ${message}`)
  process.exit(2)
}

/** A secret as apps show it (any case, maybe in groups of four) checked for base32 (RFC 4648). */
function secretOf(text: string): string {
  const secret = text.replace(/[\s-]/g, '').toUpperCase()
  const bad = /[^A-Z2-7=]/.exec(secret)?.[0]
  if (bad !== undefined) fail(`"${bad}" cannot appear in a base32 secret (letters A-Z and digits 2-7 only)`)
  if (!/^[A-Z2-7]+=*$/.test(secret)) fail('the secret is empty, or has "=" padding in the middle')
  return secret
}

function fromUri(text: string): TOTP {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return fail('not a valid otpauth:// URI')
  }
  if (url.host === 'hotp') fail('otpauth://hotp/ is a counter-based (HOTP) code; this prints time-based (TOTP) codes')
  if (url.host !== 'totp') fail(`otpauth://${url.host}/ is not otpauth://totp/`)
  const secret = url.searchParams.get('secret')
  if (!secret) fail('the URI has no secret= parameter (otpauth://totp/Label?secret=BASE32...)')
  secretOf(secret)
  try {
    return URI.parse(text) as TOTP
  } catch (error) {
    // otpauth's own words name the parameter, e.g. "Invalid 'digits' parameter".
    return fail(`the URI is not valid: ${(error as Error).message}`)
  }
}

const [input, ...rest] = process.argv.slice(2)
if (!input || rest.length > 0) fail(USAGE)
if (input.includes('://') && !input.startsWith('otpauth://')) fail(`"${input.split('://')[0]}://" is not otpauth://`)
const totp = input.startsWith('otpauth://') ? fromUri(input) : new TOTP({ secret: secretOf(input) })
console.log(totp.generate())
