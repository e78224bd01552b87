/**
 * `npm run totp -- <base32 secret | otpauth:// URI>`: prints the current
 * six-digit code, as an authenticator app would show it.
 */
import { TOTP, URI } from 'otpauth'

const input = process.argv[2]
if (!input) {
  console.error('usage: npm run totp -- <base32 secret | otpauth:// URI>')
  process.exit(2)
}
const totp = input.startsWith('otpauth://') ? URI.parse(input) : new TOTP({ secret: input.toUpperCase() })
if (!(totp instanceof TOTP)) {
  console.error('not a TOTP URI')
  process.exit(2)
}
console.log(totp.generate())
