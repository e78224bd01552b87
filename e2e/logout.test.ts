/**
 * Threat: a sign-out that leaves a working refresh token in the browser. The
 * sample SPA's callback writes refresh_token from the /credentials body into a
 * readable cookie of its own origin (`SaaSusRefreshToken; path=/`) and never
 * deletes it; cookies ignore ports, so with the SPA on localhost:8821 and the API
 * on localhost:8822 Chromium sends that copy to /refresh too. Here a page does
 * what the sample does, and /refresh must be refused after /logout.
 */
import { createServer, type Server } from 'node:http'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { localOrigins } from '../scripts/dev-settings.ts'
import { type Stack, startStack } from '../scripts/stack.ts'
import { launchChromium } from './browser.ts'

// This suite's ports (the 8820–8829 range), apart from demo.test.ts's 8811–8813.
const PAGE_PORT = Number(process.env.E2E_LOGOUT_PAGE_PORT ?? 8821)
const API_PORT = Number(process.env.E2E_LOGOUT_API_PORT ?? 8822)
const EMULATOR_PORT = Number(process.env.E2E_LOGOUT_EMULATOR_PORT ?? 8823)

// Same host as the page, another port: the case where the SPA's cookie reaches the API.
const API = `http://localhost:${API_PORT}`
const PAGE = `http://localhost:${PAGE_PORT}`

/** The sample SPA's session calls, reduced to what matters here. */
const SPA_PAGE = `<!doctype html><title>sample SPA</title><script>
const call = async (method, path) => {
  const res = await fetch('${API}' + path, {
    method,
    credentials: 'include',
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  })
  return { status: res.status, body: await res.json() }
}
const keepCopy = (value) => { document.cookie = 'SaaSusRefreshToken=' + value + '; path=/' }
// Callback.tsx: tokens from the code, and the refresh token into a cookie of this origin.
const callback = async (code) => {
  const res = await call('GET', '/credentials?code=' + code)
  keepCopy(res.body.refresh_token)
  return res
}
Object.assign(window, { call, callback, keepCopy })
</script>`

let stack: Stack
let browser: Browser
let spa: Server

beforeAll(async () => {
  spa = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(SPA_PAGE))
  await new Promise<void>((resolve) => spa.listen(PAGE_PORT, '127.0.0.1', resolve))
  stack = await startStack({
    apiPort: API_PORT,
    emulatorPort: EMULATOR_PORT,
    apiVars: { ALLOWED_ORIGINS: `${localOrigins(EMULATOR_PORT)},${PAGE}` },
  })
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await stack?.stop()
  await new Promise((resolve) => spa?.close(resolve))
})

interface Answer {
  status: number
  body: { code?: string; refresh_token?: string }
}

/** A fresh user signed in at the emulated hosted login, and the page after its callback ran. */
async function signedInPage(): Promise<{ context: BrowserContext; page: Page; signIn: Answer }> {
  const created = await fetch(`${stack.emulator.url}/_emulator/users`, {
    method: 'POST',
    body: JSON.stringify({ email: `${crypto.randomUUID().slice(0, 8)}-logout@example.com` }),
  })
  const { id } = (await created.json()) as { id: string }
  const login = await fetch(`${stack.emulator.url}/_emulator/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user_id: id }),
  })
  const { code } = (await login.json()) as { code: string }
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(`${PAGE}/callback`)
  const signIn = await page.evaluate(
    (c) => (window as unknown as { callback(c: string): Promise<Answer> }).callback(c),
    code,
  )
  return { context, page, signIn }
}

const call = (page: Page, method: 'GET' | 'POST', path: string) =>
  page.evaluate(([m, p]) => (window as unknown as { call(m: string, p: string): Promise<Answer> }).call(m, p), [
    method,
    path,
  ] as const)

/** The SaaSusRefreshToken cookies Chromium holds for localhost, HttpOnly and partitioned ones included. */
async function refreshCookies(context: BrowserContext) {
  return (await context.cookies())
    .filter((cookie) => cookie.name === 'SaaSusRefreshToken' && cookie.domain === 'localhost')
    .map(({ path, httpOnly, partitionKey }) => ({ path, httpOnly, partitionKey }))
    .sort((a, b) => a.path.localeCompare(b.path))
}

describe("the sample SPA's refresh-token copy on a shared host", () => {
  it("sits beside ours after the callback: ours HttpOnly at /refresh, the SPA's readable at /", async () => {
    const { context, signIn } = await signedInPage()
    expect(signIn.status).toBe(200)
    expect(await refreshCookies(context)).toEqual([
      { path: '/', httpOnly: false, partitionKey: undefined },
      { path: '/refresh', httpOnly: true, partitionKey: 'http://localhost' },
    ])
    await context.close()
  })

  it('reaches /refresh after ours (the shorter path comes last), so /refresh uses ours', async () => {
    const { context, page } = await signedInPage()
    // A value SaaSus would refuse, to tell the two apart.
    await page.evaluate(() => (window as unknown as { keepCopy(v: string): void }).keepCopy('spa-copy'))
    const sent = page.waitForRequest((request) => request.url() === `${API}/refresh`)
    expect((await call(page, 'GET', '/refresh')).status).toBe(200)
    const cookie = (await (await sent).allHeaders()).cookie
    expect(cookie).toMatch(/^SaaSusRefreshToken=(?!spa-copy)[^;]+; SaaSusRefreshToken=spa-copy$/)
    await context.close()
  })

  it('is expired by /logout with ours, so /refresh is refused afterwards', async () => {
    const { context, page } = await signedInPage()
    expect((await call(page, 'GET', '/refresh')).status).toBe(200)
    expect((await call(page, 'POST', '/logout')).status).toBe(200)
    expect(await call(page, 'GET', '/refresh')).toEqual({
      status: 401,
      body: expect.objectContaining({ code: 'missing_refresh_token' }),
    })
    expect(await refreshCookies(context)).toEqual([])
    expect(await page.evaluate(() => document.cookie)).not.toContain('SaaSusRefreshToken')
    await context.close()
  })
})
