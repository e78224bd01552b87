/**
 * `npm run totp`, run as a newcomer runs it: a child process given an argument or standard input
 * (`curl -s …/mfa_setup | npm run -s totp`), one line out, a refusal one line on stderr and exit 2.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { TOTP } from 'otpauth'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../scripts/wrangler-local.ts'

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'
const URI = `otpauth://totp/SaaSusPlatform:carol_signin?secret=${SECRET}&issuer=SaaSusPlatform`
const totp = new TOTP({ secret: SECRET })

/** Runs scripts/totp.ts on this Node (24, as npm scripts run it), `input` on its standard input. */
function totpScript(args: string[], input = ''): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'totp.ts'), ...args], { cwd: ROOT })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  child.stdin.end(input)
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })))
}

/** How many 30-second steps from `timestamp`'s the code is (within three), or null. */
const stepOf = (code: string, timestamp: number) => totp.validate({ token: code, timestamp, window: 3 })

/** A code printed now: one line, of the step of `before` or, had the step turned meanwhile, the next. */
async function expectCurrentCode(args: string[], input = '') {
  const before = Date.now()
  const { status, stdout, stderr } = await totpScript(args, input)
  expect({ status, stderr }).toEqual({ status: 0, stderr: '' })
  expect(stdout).toMatch(/^\d{6}\n$/)
  expect([0, 1]).toContain(stepOf(stdout.trim(), before))
}

describe('npm run totp reads standard input', () => {
  it('takes a whole GET /mfa_setup answer, reading its qrCodeUrl', async () => {
    await expectCurrentCode([], `${JSON.stringify({ qrCodeUrl: URI, qrCodeSvg: '<svg/>', secret: SECRET })}\n`)
  })

  it('takes an otpauth:// URI', async () => {
    await expectCurrentCode([], `${URI}\n`)
  })

  it('reads the scheme and the type in any case', async () => {
    await expectCurrentCode([], URI.replace('otpauth://totp/', 'OTPAUTH://TOTP/'))
  })

  it('takes a base32 secret, in groups as apps show it', async () => {
    await expectCurrentCode([], SECRET.toLowerCase().replace(/(.{4})/g, '$1 '))
  })

  it('still takes the secret as its argument', async () => {
    await expectCurrentCode([SECRET])
  })
})

describe('npm run totp refuses what is no secret, in one line and exit 2', () => {
  it.each([
    ['hello world', /not an otpauth:\/\/ URI, a GET \/mfa_setup answer or a base32 secret/],
    ['not-a-uri', /not an otpauth:\/\/ URI/],
    ['http://x', /"http:\/\/" is not otpauth:\/\//],
    ['', /standard input is empty/],
    ['{"error":"Authentication required","code":"unauthorized"}', /not a GET \/mfa_setup answer.*"unauthorized"/],
  ])('refuses %j', async (input, message) => {
    const { status, stdout, stderr } = await totpScript([], input)
    expect(status).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toMatch(message)
    expect(stderr.trimEnd().split('\n')).toHaveLength(1)
  })

  it('refuses the same as an argument', async () => {
    const { status, stderr } = await totpScript(['hello world'])
    expect(status).toBe(2)
    expect(stderr).toMatch(/not an otpauth:\/\/ URI/)
  })
})

describe('npm run totp --next', () => {
  it("waits for the next 30-second step and prints that step's code, not the one printed now", async () => {
    const before = Date.now()
    const [now, next] = await Promise.all([totpScript([], URI), totpScript(['--next'], URI)])
    const nextStepStart = (Math.floor(before / 30_000) + 1) * 30_000
    expect(Date.now()).toBeGreaterThanOrEqual(nextStepStart)
    expect(next.stdout).toMatch(/^\d{6}\n$/)
    const [nowStep, nextStep] = [stepOf(now.stdout.trim(), before), stepOf(next.stdout.trim(), before)]
    expect(nextStep).toBeGreaterThanOrEqual(1)
    expect(nextStep).toBeGreaterThan(nowStep ?? Number.POSITIVE_INFINITY)
  }, 40_000)
})
