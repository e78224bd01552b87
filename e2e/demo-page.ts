/**
 * Driving the demo page (emulator/demo) as a user would: a fresh emulator user,
 * the page signed in as them, enrollment with a real TOTP code computed from the
 * key the page shows. Shared by the e2e suites.
 */
import { TOTP } from 'otpauth'
import type { Browser, Page } from 'playwright-core'
import { expect } from 'vitest'
import type { EmulatorUser } from '../scripts/stack.ts'

/** A new emulator user, so that tests never share MFA state. */
export async function freshUser(emulatorUrl: string, email: string): Promise<EmulatorUser> {
  const res = await fetch(`${emulatorUrl}/_emulator/users`, {
    method: 'POST',
    body: JSON.stringify({ email: `${crypto.randomUUID().slice(0, 6)}-${email}` }),
  })
  return (await res.json()) as EmulatorUser
}

/** Opens the demo page signed in as `user`, with MFA status shown. */
export async function openDemo(browser: Browser, emulatorUrl: string, user: EmulatorUser): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 720, height: 900 } })
  await page.goto(`${emulatorUrl}/`)
  await signInAs(page, user)
  await expect.poll(() => page.textContent('#status')).toBe('off')
  return page
}

/** Picks `user` on a loaded (or reloaded) page and waits until the page shows their status. */
export async function signInAs(page: Page, user: EmulatorUser): Promise<void> {
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 })
  await page.selectOption('#user', { label: user.email || user.sign_in_id })
  await page.waitForSelector(`body[data-user="${user.id}"]`)
}

/** Waits for the setup panel after "add" (or "re-register") was asked for, and returns the secret it shows. */
export async function shownSecret(page: Page): Promise<string> {
  await page.waitForSelector('#setup-panel:not([hidden])')
  await page.waitForFunction(() => (document.getElementById('qr') as HTMLImageElement).complete)
  return ((await page.textContent('#secret')) ?? '').replace(/\s+/g, '')
}

/** Clicks "add" (or "re-register"), and returns the secret the page shows. */
export async function startSetup(page: Page): Promise<string> {
  await page.click('#setup')
  return shownSecret(page)
}

/** Adds an authenticator and turns MFA on through the page; returns its secret. */
export async function enroll(page: Page): Promise<string> {
  const secret = await startSetup(page)
  await page.fill('#code', new TOTP({ secret }).generate())
  await page.click('#verify')
  await expect.poll(() => page.textContent('#status')).toBe('on (softwareToken)')
  return secret
}

/**
 * The code an authenticator shows one step (30 s) from now. The API takes each step's code
 * once, and the current step's may have just registered the authenticator; it accepts one
 * step either side of its clock, so the next step's code is good now and unspent.
 */
export function nextCode(secret: string): string {
  return new TOTP({ secret }).generate({ timestamp: Date.now() + 30_000 })
}

/** A six-digit code no authenticator for `secret` shows in the window the server accepts. */
export function wrongCode(secret: string): string {
  const totp = new TOTP({ secret })
  const now = Date.now()
  const valid = new Set([-60_000, -30_000, 0, 30_000, 60_000].map((skew) => totp.generate({ timestamp: now + skew })))
  return ['000000', '111111', '222222'].find((code) => !valid.has(code)) as string
}

/** Enters a code into the step-up prompt and waits until the API has answered `path`. */
export async function confirmStepUp(page: Page, code: string, path: string): Promise<void> {
  await page.waitForSelector('#step-up-panel:not([hidden])')
  // The page empties the field when it asks (again): after a wrong code, wait for that before typing.
  await page.waitForFunction(() => (document.getElementById('step-up-code') as HTMLInputElement).value === '')
  await page.fill('#step-up-code', code)
  const answered = page.waitForResponse((res) => res.url().endsWith(path) && res.request().method() !== 'OPTIONS')
  await page.click('#step-up-confirm')
  await answered
}
