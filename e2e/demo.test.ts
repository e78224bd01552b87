/**
 * The demo page in real Chromium, against `wrangler dev` processes of the API
 * and the emulator: a user enrolls end to end (the test reads the secret off the
 * page and computes the code, and decodes the QR image Chromium rendered), a
 * wrong code shows its error code, a device is re-registered, MFA is turned off,
 * and a page from an origin outside ALLOWED_ORIGINS cannot read the API.
 */
import { createServer, type Server } from 'node:http'
import { createRequire } from 'node:module'
import { TOTP } from 'otpauth'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EmulatorUser, type Stack, startStack } from '../scripts/stack.ts'
import { launchChromium, screenshot } from './browser.ts'
import { freshUser as freshUserAt, openDemo as openDemoAt, startSetup, wrongCode } from './demo-page.ts'

// This suite's ports (the 8810–8819 range), apart from `npm run dev`'s 8787/8788.
const API_PORT = Number(process.env.E2E_API_PORT ?? 8811)
const EMULATOR_PORT = Number(process.env.E2E_EMULATOR_PORT ?? 8812)
const OTHER_ORIGIN_PORT = Number(process.env.E2E_OTHER_PORT ?? 8813)

const JSQR = createRequire(import.meta.url).resolve('jsqr/dist/jsQR.js')

let stack: Stack
let browser: Browser
let otherOrigin: Server

beforeAll(async () => {
  // A page on a port the API does not allow (not in localOrigins()).
  otherOrigin = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>not allowed</title><p>elsewhere</p>')
  })
  await new Promise<void>((resolve) => otherOrigin.listen(OTHER_ORIGIN_PORT, '127.0.0.1', resolve))
  stack = await startStack({ apiPort: API_PORT, emulatorPort: EMULATOR_PORT })
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await stack?.stop()
  await new Promise((resolve) => otherOrigin?.close(resolve))
})

const freshUser = (email: string) => freshUserAt(stack.emulator.url, email)
const openDemo = (user: EmulatorUser) => openDemoAt(browser, stack.emulator.url, user)

/** Decodes, with jsQR inside the page, the QR image as Chromium rendered it. */
async function decodeQrOnPage(page: Page): Promise<string | null> {
  await page.addScriptTag({ path: JSQR })
  return page.evaluate(async () => {
    const img = document.getElementById('qr') as HTMLImageElement
    await img.decode()
    const canvas = Object.assign(document.createElement('canvas'), { width: 440, height: 440 })
    const context = canvas.getContext('2d') as CanvasRenderingContext2D
    context.drawImage(img, 0, 0, canvas.width, canvas.height)
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height)
    const decode = (
      window as unknown as { jsQR: (d: Uint8ClampedArray, w: number, h: number) => { data: string } | null }
    ).jsQR
    return decode(data, canvas.width, canvas.height)?.data ?? null
  })
}

describe('the demo page', () => {
  it('enrolls a user end to end: QR and secret shown, code verified, MFA on', async () => {
    const user = await freshUser('enroll@example.com')
    const page = await openDemo(user)
    await screenshot(page, '1-status-off')

    const secret = await startSetup(page)
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/)
    const uri = await decodeQrOnPage(page)
    expect(uri).toBe(
      `otpauth://totp/SaaSusPlatform:${encodeURIComponent(user.email)}?secret=${secret}&issuer=SaaSusPlatform`,
    )
    await screenshot(page, '2-setup-qr-and-secret')

    await page.fill('#code', new TOTP({ secret }).generate())
    await page.click('#verify')
    await expect.poll(() => page.textContent('#status')).toBe('on (softwareToken)')
    expect(await page.isHidden('#setup-panel')).toBe(true)
    expect(await page.textContent('#message')).toBe('Authenticator registered: MFA is on.')
    expect(await page.isHidden('#error')).toBe(true)
    expect(await page.textContent('#setup')).toBe('Re-register a device')
    await screenshot(page, '3-enabled')
    await page.close()
  })

  it('shows a wrong code by its error code and keeps MFA off', async () => {
    const page = await openDemo(await freshUser('wrong@example.com'))
    const secret = await startSetup(page)
    await page.fill('#code', wrongCode(secret))
    await page.click('#verify')
    await page.waitForSelector('#error:not([hidden])')
    expect(await page.textContent('#error-code')).toBe('invalid_verification_code')
    expect(await page.textContent('#status')).toBe('off')
    expect(await page.isVisible('#setup-panel')).toBe(true)
    await screenshot(page, '4-wrong-code')
    await page.close()
  })

  it('re-registers a device while MFA is on, then turns MFA off', async () => {
    const page = await openDemo(await freshUser('reregister@example.com'))
    const first = await startSetup(page)
    await page.fill('#code', new TOTP({ secret: first }).generate())
    await page.click('#verify')
    await expect.poll(() => page.textContent('#status')).toBe('on (softwareToken)')

    const second = await startSetup(page)
    expect(second).not.toBe(first)
    await page.fill('#code', new TOTP({ secret: second }).generate())
    await page.click('#verify')
    await expect.poll(() => page.isHidden('#setup-panel')).toBe(true)
    expect(await page.textContent('#status')).toBe('on (softwareToken)')

    await page.click('#disable')
    await expect.poll(() => page.textContent('#status')).toBe('off')
    expect(await page.textContent('#message')).toBe('MFA is off.')
    expect(await page.isHidden('#disable')).toBe(true)
    await page.close()
  })
})

describe('an origin outside ALLOWED_ORIGINS', () => {
  /** Calls the API from a page the way the demo does, and says what the page could read. */
  const callFrom = (page: Page, user: EmulatorUser, withHeaders: boolean) =>
    page.evaluate(
      async ({ api, token, withHeaders }) => {
        try {
          const res = await fetch(`${api}/mfa_status`, {
            credentials: 'include',
            headers: withHeaders ? { Authorization: `Bearer ${token}`, 'X-Requested-With': 'XMLHttpRequest' } : {},
          })
          return `read ${res.status} ${await res.text()}`
        } catch (error) {
          return `${(error as Error).name}: ${(error as Error).message}`
        }
      },
      { api: stack.api.url, token: user.id_token, withHeaders },
    )

  it('cannot read the API: the browser blocks the call on CORS', async () => {
    const user = await freshUser('cors@example.com')
    const page = await browser.newPage()
    const consoleErrors: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text())
    })
    await page.goto(`http://127.0.0.1:${OTHER_ORIGIN_PORT}/`)
    // With the SPA's headers (a preflight first), and as a simple request without them.
    expect(await callFrom(page, user, true)).toBe('TypeError: Failed to fetch')
    expect(await callFrom(page, user, false)).toBe('TypeError: Failed to fetch')
    expect(consoleErrors.join('\n')).toMatch(/blocked by CORS policy/)
    await page.close()
  })

  it('while the demo page, an allowed origin, reads the same call', async () => {
    const user = await freshUser('cors-allowed@example.com')
    const page = await browser.newPage()
    await page.goto(`${stack.emulator.url}/`)
    expect(await callFrom(page, user, true)).toBe('read 200 {"enabled":false,"required":false,"enroll_by":null}')
    await page.close()
  })
})

describe('the API reference at /docs', () => {
  it('lists every operation of /openapi.json, offline', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } })
    const offOrigin: string[] = []
    page.on('request', (request) => {
      if (!request.url().startsWith(stack.api.url)) offOrigin.push(request.url())
    })
    await page.goto(`${stack.api.url}/docs`)
    await page.waitForSelector('section#getMfaStatus')
    const doc = (await (await fetch(`${stack.api.url}/openapi.json`)).json()) as { paths: Record<string, object> }
    const operations = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0)
    expect(await page.locator('#operations section').count()).toBe(operations)
    await page.click('section#getOpenApi button')
    await expect.poll(() => page.textContent('section#getOpenApi pre')).toMatch(/^200 OK\n\{\n {2}"openapi": "3\.1\.1"/)
    expect(offOrigin).toEqual([])
    await screenshot(page, '5-api-reference')
    await page.close()
  })
})
