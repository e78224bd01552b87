/**
 * Account protection on the demo page in real Chromium, against an API with
 * MFA_STEP_UP=required: recovery codes are made after step-up, shown once and
 * downloaded and copied; one of them turns MFA off without signing in; the
 * activity lists what happened; a wrong step-up code is shown and a right one
 * goes through; five wrong ones end in a lockout shown with its Retry-After.
 * Every code is a real TOTP code of the key the page showed.
 */
import { readFile } from 'node:fs/promises'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EmulatorUser, type Stack, startStack } from '../scripts/stack.ts'
import { launchChromium, screenshot } from './browser.ts'
import { confirmStepUp, enroll, freshUser, nextCode, openDemo, shownSecret, signInAs, wrongCode } from './demo-page.ts'

// This suite's ports (the 8810–8819 range, beside demo.test.ts's 8811–8813).
const API_PORT = Number(process.env.E2E_ACCOUNT_API_PORT ?? 8814)
const EMULATOR_PORT = Number(process.env.E2E_ACCOUNT_EMULATOR_PORT ?? 8815)

// The API's alphabet leaves out 0, 1, I and O (docs/account-protection.md).
const RECOVERY_CODE = /^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}$/

let stack: Stack
let browser: Browser

beforeAll(async () => {
  stack = await startStack({
    apiPort: API_PORT,
    emulatorPort: EMULATOR_PORT,
    // The stack gives the API the development MFA_ENCRYPTION_KEY, as npm run dev does.
    apiVars: { MFA_STEP_UP: 'required' },
  })
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await stack?.stop()
})

/** A page signed in as a fresh user with MFA on; returns the authenticator's secret too. */
async function enrolledPage(email: string): Promise<{ page: Page; secret: string; user: EmulatorUser }> {
  const user = await freshUser(stack.emulator.url, email)
  const page = await openDemo(browser, stack.emulator.url, user)
  return { page, secret: await enroll(page), user }
}

/** Creates recovery codes through the page (with step-up) and returns the ones it shows. */
async function createCodes(page: Page, secret: string): Promise<string[]> {
  await page.click('#create-codes')
  await confirmStepUp(page, nextCode(secret), '/mfa_recovery_codes')
  await page.waitForSelector('#new-codes:not([hidden])')
  return page.locator('#codes li').allTextContents()
}

describe('recovery codes on the demo page', () => {
  it('are made after step-up, shown once, and downloaded and copied as the ten codes', async () => {
    const { page, secret, user } = await enrolledPage('codes@example.com')
    expect(await page.textContent('#recovery-status')).toBe('No recovery codes yet.')

    const codes = await createCodes(page, secret)
    expect(codes).toHaveLength(10)
    for (const code of codes) expect(code).toMatch(RECOVERY_CODE)
    expect(new Set(codes).size).toBe(10)
    expect(await page.isHidden('#step-up-panel')).toBe(true)
    await expect.poll(() => page.textContent('#recovery-status')).toMatch(/^10 remaining, created at .+/)
    await screenshot(page, '6-recovery-codes')

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-codes')])
    expect(download.suggestedFilename()).toBe('recovery-codes.txt')
    const file = await readFile(await download.path(), 'utf8')
    expect(file.split('\n').filter((line) => RECOVERY_CODE.test(line))).toEqual(codes)

    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.emulator.url })
    await page.click('#copy-codes')
    await expect.poll(() => page.textContent('#message')).toBe('The recovery codes are on the clipboard.')
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(file)

    // Shown once: hidden, and not shown again after a reload; only the count remains.
    await page.click('#hide-codes')
    expect(await page.locator('#codes li').count()).toBe(0)
    await page.reload()
    await signInAs(page, user)
    await expect.poll(() => page.textContent('#status')).toBe('on (softwareToken)')
    expect(await page.isHidden('#new-codes')).toBe(true)
    expect(await page.textContent('#recovery-status')).toMatch(/^10 remaining, created at /)
    await page.close()
  })

  it('turn MFA off with one code, no sign-in needed, and the activity lists what happened', async () => {
    const { page, secret } = await enrolledPage('recover@example.com')
    const [first] = await createCodes(page, secret)
    await page.click('#hide-codes')

    // As a user types it from paper: lower case, spaces for hyphens.
    await page.fill('#recovery-code', (first as string).toLowerCase().replaceAll('-', ' '))
    const sent = page.waitForRequest((req) => req.url().endsWith('/mfa_recover') && req.method() === 'POST')
    await page.click('#recover')
    expect((await (await sent).allHeaders()).authorization).toBeUndefined()
    await expect
      .poll(() => page.textContent('#message'))
      .toBe('MFA has been turned off; sign in and set up an authenticator again')
    expect(await page.textContent('#status')).toBe('off')
    expect(await page.isHidden('#recovery-panel')).toBe(true)

    const rows = page.locator('#events tr')
    await expect
      .poll(() => rows.locator('td:first-child').allTextContents())
      .toEqual([
        'mfa_disabled',
        'recovery_code_used',
        'recovery_codes_created',
        'mfa_enabled',
        'authenticator_registered',
        'authenticator_setup',
      ])
    const times = await rows.locator('time').evaluateAll((els) => els.map((el) => el.getAttribute('datetime')))
    expect(times.every((at) => Date.now() - Date.parse(at as string) < 5 * 60_000)).toBe(true)
    expect(await rows.first().locator('td').nth(3).textContent()).toMatch(/Chrome/)
    await screenshot(page, '7-recovered-activity')

    // Spent: the same code again is refused by its error code.
    await page.fill('#recovery-code', first as string)
    await page.click('#recover')
    await page.waitForSelector('#error:not([hidden])')
    expect(await page.textContent('#error-code')).toBe('invalid_recovery_code')
    await page.close()
  })
})

describe('step-up on the demo page (MFA_STEP_UP=required)', () => {
  it('shows a wrong code by its error code and keeps asking; a right code turns MFA off', async () => {
    const { page, secret } = await enrolledPage('stepup@example.com')
    await page.click('#disable')
    await confirmStepUp(page, wrongCode(secret), '/mfa_disable')
    await page.waitForSelector('#error:not([hidden])')
    expect(await page.textContent('#error-code')).toBe('invalid_verification_code')
    expect(await page.isVisible('#step-up-panel')).toBe(true)
    expect(await page.textContent('#status')).toBe('on (softwareToken)')
    await screenshot(page, '8-step-up-wrong-code')

    await confirmStepUp(page, nextCode(secret), '/mfa_disable')
    await expect.poll(() => page.textContent('#message')).toBe('MFA is off.')
    expect(await page.textContent('#status')).toBe('off')
    expect(await page.isHidden('#step-up-panel')).toBe(true)
    await page.close()
  })

  it('sends the code of a re-registration as X-Verification-Code', async () => {
    const { page, secret } = await enrolledPage('stepup-setup@example.com')
    await page.click('#setup')
    const code = nextCode(secret)
    const sent = page.waitForRequest((req) => req.url().endsWith('/mfa_setup') && req.method() === 'GET')
    await confirmStepUp(page, code, '/mfa_setup')
    expect((await (await sent).allHeaders())['x-verification-code']).toBe(code)
    expect(await shownSecret(page)).not.toBe(secret)
    await page.close()
  })

  it('after five wrong codes shows too_many_attempts with its Retry-After, and stops asking', async () => {
    const { page, secret } = await enrolledPage('lockout@example.com')
    await page.click('#disable')
    for (let attempt = 1; attempt <= 5; attempt++) {
      await confirmStepUp(page, wrongCode(secret), '/mfa_disable')
      await expect.poll(() => page.textContent('#error-code')).toBe('invalid_verification_code')
    }
    await confirmStepUp(page, nextCode(secret), '/mfa_disable')
    await expect.poll(() => page.textContent('#error-code')).toBe('too_many_attempts')
    expect(await page.textContent('#error-retry')).toMatch(/^\(wait \d+ seconds\)$/)
    expect(await page.isHidden('#step-up-panel')).toBe(true)
    expect(await page.textContent('#status')).toBe('on (softwareToken)')
    await screenshot(page, '9-locked-out')
    await page.close()
  })
})
