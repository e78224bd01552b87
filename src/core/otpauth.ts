/**
 * The `otpauth://` key URI an authenticator app scans (Google's Key URI Format).
 *
 * `otpauth://totp/<issuer>:<account>?secret=<base32>&issuer=<issuer>`: label
 * parts percent-encoded with `%20` for a space (never `+`), no `:` inside a
 * part, and the `issuer` parameter equal to the label prefix, since older apps
 * read only the prefix.
 */
import type { UserInfo } from './saasus/types'

/**
 * The account name shown in the authenticator: the e-mail, else the sign-in ID,
 * else the user id. (SaaSus sends an empty e-mail for sign-in-ID users; labelling
 * by e-mail alone would leave their entry nameless.)
 */
export function accountName(user: Pick<UserInfo, 'id' | 'email' | 'sign_in_id'>): string {
  return user.email.trim() || user.sign_in_id.trim() || user.id
}

/**
 * A label part: a `:` would split issuer from account even percent-encoded (apps
 * decode before splitting), so it becomes `_`; the rest is percent-encoded.
 */
function encodePart(part: string): string {
  return encodeURIComponent(part.replaceAll(':', '_'))
}

/** Builds the key URI for a base32 secret. Padding `=` is dropped, as the format asks. */
export function keyUri(options: { issuer: string; account: string; secret: string }): string {
  const issuer = encodePart(options.issuer)
  const secret = options.secret.replace(/=+$/, '').toUpperCase()
  return `otpauth://totp/${issuer}:${encodePart(options.account)}?secret=${secret}&issuer=${issuer}`
}
