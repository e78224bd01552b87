/**
 * Security webhooks as `npm run dev` shows them, in real Chromium: the API under `wrangler dev`
 * sends each event through its local queue to the emulator's receiver, which verifies the
 * signature (standardwebhooks), and the demo page lists what arrived (docs/webhooks.md).
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Stack, startStack } from '../scripts/stack.ts'
import { launchChromium, screenshot } from './browser.ts'
import { enroll, freshUser, openDemo } from './demo-page.ts'

// This suite's ports (the 8840–8849 range), apart from the other suites'.
const API_PORT = Number(process.env.E2E_WEBHOOKS_API_PORT ?? 8841)
const EMULATOR_PORT = Number(process.env.E2E_WEBHOOKS_EMULATOR_PORT ?? 8842)

let stack: Stack
let browser: Browser

beforeAll(async () => {
  stack = await startStack({ apiPort: API_PORT, emulatorPort: EMULATOR_PORT, webhooks: 'emulator' })
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await stack?.stop()
})

/** The rows of the page's webhook panel: type, user, ✓/✗ and webhook-id, newest first. */
const panelRows = (page: Awaited<ReturnType<typeof openDemo>>) =>
  page.$$eval('#webhook-rows tr', (rows) =>
    rows.map((row) => {
      const cells = Array.from(row.querySelectorAll('td'))
      return {
        type: cells[0]?.textContent ?? '',
        user: cells[2]?.getAttribute('title') ?? '',
        verified: cells[4]?.textContent ?? '',
        id: cells[5]?.textContent ?? '',
      }
    }),
  )

describe('the demo page', () => {
  it('lists the verified webhooks of an enrollment as they arrive', async () => {
    const user = await freshUser(stack.emulator.url, 'webhooks@example.com')
    const page = await openDemo(browser, stack.emulator.url, user)
    await enroll(page)

    await expect
      .poll(async () => (await panelRows(page)).filter((row) => row.user === user.id).map((row) => row.type), {
        timeout: 20_000,
      })
      .toEqual(expect.arrayContaining(['authenticator_setup', 'authenticator_registered', 'mfa_enabled']))
    const mine = (await panelRows(page)).filter((row) => row.user === user.id)
    expect(mine.every((row) => row.verified === '✓' && /^msg_/.test(row.id))).toBe(true)
    expect(await page.textContent('#webhook-url')).toContain(`127.0.0.1:${EMULATOR_PORT}/_emulator/webhooks`)
    await screenshot(page, 'webhooks-panel')
  })
})
