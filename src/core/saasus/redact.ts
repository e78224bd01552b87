/**
 * What of SaaSus's words may reach a log line: at most 200 characters, on one
 * line, with anything JWT-like, any long token-like run and any run of 4 or more
 * digits replaced, so that no token, verification code or user id in an upstream
 * message is kept. Never used for anything a client sees.
 */

/** The most of an upstream `type` or `message` a log line keeps. */
export const LOG_TEXT_MAX = 200

const JWT_LIKE = /eyJ[\w-]*\.[\w-]*(?:\.[\w-]*)?/g
// Opaque tokens (access and refresh tokens, secrets) are long unbroken runs.
const TOKEN_LIKE = /[A-Za-z0-9+/_=-]{32,}/g
const DIGITS = /\d{4,}/g
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
const CONTROL = /[\u0000-\u001f\u007f]+/g

export function redactForLog(text: string): string {
  const redacted = text
    .replace(CONTROL, ' ')
    .replace(JWT_LIKE, '[jwt]')
    .replace(TOKEN_LIKE, '[token]')
    .replace(DIGITS, '[digits]')
  return redacted.length > LOG_TEXT_MAX ? `${redacted.slice(0, LOG_TEXT_MAX - 1)}…` : redacted
}

// A trace id is an identifier to quote to SaaSus support, kept whole when it looks like one.
const TRACE_ID = /^[\w.:-]{1,128}$/

/** SaaSus's `X-Saasus-Trace-Id`, if it is a plausible id; anything else is not logged. */
export function traceIdForLog(value: string | null | undefined): string | undefined {
  return value && TRACE_ID.test(value) ? value : undefined
}
