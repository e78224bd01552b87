/**
 * Tenant MFA policy on the demo page in real Chromium (docs/tenant-policy.md), against `wrangler
 * dev` processes of the API (MFA_STEP_UP=required) and the emulator, each test in a tenant of its
 * own made through the emulator's development API: an admin requires MFA with 7 grace days; a
 * member's page says by when; the admin's member list shows who has MFA on, before and after the
 * member enrolls; the admin resets the member, whose page shows MFA off and the notice again; the
 * tenant's history lists the change and the reset. A non-admin sees no admin view, an admin of two
 * tenants picks one, and an admin with MFA on gives a code to stop requiring MFA or to reset a member.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EmulatorUser, type Stack, startStack } from '../scripts/stack.ts'
import { launchChromium, screenshot } from './browser.ts'
import { confirmStepUp, enroll, nextCode, openDemo, signInAs } from './demo-page.ts'

// This suite's ports (the 8850–8859 range), apart from the other suites' 8811–8815 and 8821–8823.
const API_PORT = Number(process.env.E2E_TENANT_API_PORT ?? 8851)
const EMULATOR_PORT = Number(process.env.E2E_TENANT_EMULATOR_PORT ?? 8852)

const DAY_MS = 24 * 60 * 60 * 1000

let stack: Stack
let browser: Browser

beforeAll(async () => {
  stack = await startStack({ apiPort: API_PORT, emulatorPort: EMULATOR_PORT, apiVars: { MFA_STEP_UP: 'required' } })
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await stack?.stop()
})

/** A call to the emulator's development API; its JSON answer. */
async function emulator<T>(method: string, path: string, body?: object): Promise<T> {
  const res = await fetch(`${stack.emulator.url}/_emulator${path}`, {
    method,
    ...(body ? { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } } : {}),
  })
  if (!res.ok) throw new Error(`${method} /_emulator${path}: ${res.status} ${await res.text()}`)
  return (await res.json()) as T
}

interface Tenant {
  id: string
  name: string
}

const tag = () => crypto.randomUUID().slice(0, 6)
const freshTenant = (name: string) => emulator<Tenant>('POST', '/tenants', { name: `${name} ${tag()}` })

/** A new user in these tenants, with these roles in each: `name` an e-mail, or a sign-in ID without @. */
const newUser = (name: string, ...tenants: { id: string; roles: string[] }[]) =>
  emulator<EmulatorUser>('POST', '/users', {
    [name.includes('@') ? 'email' : 'sign_in_id']: `${tag()}-${name}`,
    tenants,
  })
const adminOf = (tenant: Tenant) => ({ id: tenant.id, roles: ['admin'] })
const memberOf = (tenant: Tenant) => ({ id: tenant.id, roles: ['user'] })

const open = (user: EmulatorUser) => openDemo(browser, stack.emulator.url, user)

/** Waits until the admin view has loaded what it was asked for last. */
const settled = (page: Page) => page.waitForSelector('#tenant-panel:not([hidden])[aria-busy="false"]')

interface MemberRow {
  who: string
  mfa: string
  reset: string | null
}

/** The admin view's member list, every page of it ("Load more" until there is no more). */
async function memberRows(page: Page): Promise<MemberRow[]> {
  await settled(page)
  while (await page.isVisible('#more-members')) {
    await page.click('#more-members')
    await settled(page)
  }
  return page.$$eval('#member-rows tr', (rows) =>
    rows.map((row) => {
      const [who, mfa, action] = Array.from((row as HTMLTableRowElement).cells)
      return {
        who: who?.textContent ?? '',
        mfa: mfa?.textContent ?? '',
        reset: action?.querySelector('button')?.textContent ?? null,
      }
    }),
  )
}

const rowOf = async (page: Page, who: string) => (await memberRows(page)).find((row) => row.who === who)

/** The admin view's history: event, by whom, detail. */
const historyRows = (page: Page) =>
  page.$$eval('#tenant-event-rows tr', (rows) =>
    rows.map((row) =>
      Array.from((row as HTMLTableRowElement).cells)
        .filter((_, i) => i !== 1)
        .map((c) => c.textContent),
    ),
  )

/** Clicks "Reset MFA" in a member's row, answering the page's confirm() as told. */
async function clickReset(page: Page, member: EmulatorUser, accept = true): Promise<string> {
  const dialog = page.waitForEvent('dialog')
  const click = page.click(`#member-rows tr[data-user-id="${member.id}"] button`)
  const shown = await dialog
  const message = shown.message()
  await (accept ? shown.accept() : shown.dismiss())
  await click
  return message
}

/** What the page reports of the last action: its message, or the error's code and text. */
const outcome = async (page: Page) =>
  (await page.isVisible('#error')) ? `error: ${await page.textContent('#error')}` : await page.textContent('#message')

/** Requires MFA of the tenant on the admin's page, with these grace days. */
async function requireMfa(page: Page, graceDays: number): Promise<void> {
  await page.check('#require-mfa')
  await page.fill('#grace-days', String(graceDays))
  await page.click('#save-policy')
  await expect.poll(() => outcome(page)).toBe(`MFA is required of every member, with ${graceDays} grace days.`)
}

describe('tenant MFA policy on the demo page', () => {
  it('an admin requires MFA; the member is told by when, enrolls, is reset and told again; the history lists it', async () => {
    const tenant = await freshTenant('Policy Co')
    const admin = await newUser('admin@example.com', adminOf(tenant))
    const member = await newUser('member@example.com', memberOf(tenant))
    const carol = await newUser('carol_signin', memberOf(tenant))
    // Seven members: two pages of the list (five a page).
    for (const n of [1, 2, 3, 4]) await newUser(`other${n}@example.com`, memberOf(tenant))

    const adminPage = await open(admin)
    await settled(adminPage)
    expect(await adminPage.textContent('#tenant-name')).toBe(tenant.name)
    expect(await adminPage.isHidden('#tenant-picker')).toBe(true)
    expect(await adminPage.isChecked('#require-mfa')).toBe(false)
    expect(await adminPage.inputValue('#grace-days')).toBe('14')
    expect(await adminPage.textContent('#policy-state')).toBe('MFA is not required of its members.')
    expect(await adminPage.isVisible('#no-tenant-events')).toBe(true)
    expect(await adminPage.isHidden('#required-notice')).toBe(true)

    const savedAt = Date.now()
    await requireMfa(adminPage, 7)
    expect(await adminPage.textContent('#policy-state')).toMatch(/^MFA is required of its members since .+\.$/)
    // The admin is a member too, with MFA off: their own notice shows at once.
    expect(await adminPage.isVisible('#required-notice')).toBe(true)

    // The member's page: the notice with the deadline, a week from now, and no admin view.
    const memberPage = await open(member)
    expect(await memberPage.isVisible('#required-notice')).toBe(true)
    expect(await memberPage.isHidden('#tenant-panel')).toBe(true)
    const enrollBy = (await memberPage.getAttribute('#enroll-by', 'datetime')) as string
    expect(Math.abs(Date.parse(enrollBy) - (savedAt + 7 * DAY_MS))).toBeLessThan(60_000)
    const shownDate = (await memberPage.textContent('#enroll-by')) as string
    // Readable: the date in words of the browser's locale, not the ISO string.
    expect(shownDate).toContain(String(new Date(enrollBy).getFullYear()))
    expect(shownDate).not.toMatch(/\d{4}-\d{2}-\d{2}/)
    expect(await memberPage.textContent('#required-notice')).toBe(
      `Your organisation requires MFA: set it up by ${shownDate}.`,
    )
    await screenshot(memberPage, '10-required-notice')

    // Who has MFA on: everyone off; a Reset button for everyone but the admin.
    const rows = await memberRows(adminPage)
    expect(rows).toHaveLength(7)
    expect(rows.every((row) => row.mfa === 'off')).toBe(true)
    expect(rows.find((row) => row.who === `${admin.email} (you)`)?.reset).toBeNull()
    expect(rows.find((row) => row.who === carol.sign_in_id)?.reset).toBe('Reset MFA')
    expect(rows.filter((row) => row.reset === 'Reset MFA')).toHaveLength(6)

    const secret = await enroll(memberPage)
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/)
    expect(await memberPage.isHidden('#required-notice')).toBe(true)

    await adminPage.click('#refresh-tenant')
    expect(await rowOf(adminPage, member.email)).toEqual({ who: member.email, mfa: 'on', reset: 'Reset MFA' })
    await screenshot(adminPage, '11-admin-view')

    // A confirm() answered No changes nothing.
    expect(await clickReset(adminPage, member, false)).toContain(member.email)
    await expect.poll(() => outcome(adminPage)).toBe('Cancelled: nothing was changed.')

    // The admin's MFA is off: no step-up for the reset.
    await clickReset(adminPage, member)
    await expect.poll(() => outcome(adminPage)).toBe("The member's MFA has been reset")
    expect((await rowOf(adminPage, member.email))?.mfa).toBe('off')

    // The member's page, loaded again: MFA off, and the notice with the same deadline.
    await memberPage.reload()
    await signInAs(memberPage, member)
    expect(await memberPage.textContent('#status')).toBe('off')
    expect(await memberPage.isVisible('#required-notice')).toBe(true)
    expect(await memberPage.getAttribute('#enroll-by', 'datetime')).toBe(enrollBy)

    expect(await historyRows(adminPage)).toEqual([
      ['member_mfa_reset', admin.email, `MFA of ${member.email} reset`],
      ['mfa_policy_changed', admin.email, 'required, 7 grace days'],
    ])
    expect(await adminPage.isHidden('#no-tenant-events')).toBe(true)
    await screenshot(adminPage, '12-admin-history')
    await memberPage.close()
    await adminPage.close()
  })

  it('shows a refused reset by its error code', async () => {
    const tenant = await freshTenant('Refusal Co')
    const admin = await newUser('admin@example.com', adminOf(tenant))
    const leaver = await newUser('leaver@example.com', memberOf(tenant))
    const page = await open(admin)
    expect((await rowOf(page, leaver.email))?.reset).toBe('Reset MFA')
    // Gone from the tenant since the list was shown.
    await emulator('DELETE', `/tenants/${tenant.id}/members/${leaver.id}`)
    await clickReset(page, leaver)
    await page.waitForSelector('#error:not([hidden])')
    expect(await page.textContent('#error-code')).toBe('member_not_found')
    await page.close()
  })

  it('shows no admin view to a member who administers no tenant, and asks the API nothing of tenants', async () => {
    const tenant = await freshTenant('Members Only Co')
    const member = await newUser('plain@example.com', memberOf(tenant))
    const page = await browser.newPage()
    await page.goto(`${stack.emulator.url}/`)
    await page.waitForSelector('body[data-ready="true"]')
    const tenantCalls: string[] = []
    page.on('request', (request) => {
      if (request.url().includes('/tenants/')) tenantCalls.push(request.url())
    })
    await signInAs(page, member)
    expect(await page.isHidden('#tenant-panel')).toBe(true)
    expect(await page.isHidden('#required-notice')).toBe(true)
    expect(tenantCalls).toEqual([])
    await page.close()
  })

  it('lets an admin of two tenants pick one, and lists only those', async () => {
    const first = await freshTenant('First Co')
    const second = await freshTenant('Second Co')
    const third = await freshTenant('Not Mine Co')
    const admin = await newUser('two-hats@example.com', adminOf(first), adminOf(second), memberOf(third))
    const onlyInSecond = await newUser('second-only@example.com', memberOf(second))
    const page = await open(admin)
    await settled(page)
    expect(await page.isVisible('#tenant-picker')).toBe(true)
    expect(await page.locator('#tenant option').allTextContents()).toEqual([first.name, second.name])
    expect(await page.textContent('#tenant-name')).toBe(first.name)
    expect(await rowOf(page, onlyInSecond.email)).toBeUndefined()

    await page.selectOption('#tenant', second.id)
    await expect.poll(() => page.textContent('#tenant-name')).toBe(second.name)
    expect((await rowOf(page, onlyInSecond.email))?.mfa).toBe('off')
    await page.close()
  })

  it('asks an admin with MFA on for a code to stop requiring MFA, sent in the body', async () => {
    const tenant = await freshTenant('Step-up Co')
    const admin = await newUser('admin@example.com', adminOf(tenant))
    const page = await open(admin)
    const secret = await enroll(page)
    // Turning it on is not a risky change: no code asked for.
    await requireMfa(page, 0)
    // MFA on: no notice, even with a deadline that has passed.
    expect(await page.isHidden('#required-notice')).toBe(true)

    await page.uncheck('#require-mfa')
    const sent = page.waitForRequest((req) => req.url().endsWith('/mfa_policy') && req.method() === 'PUT')
    await page.click('#save-policy')
    await page.waitForSelector('#step-up-panel:not([hidden])')
    expect(await page.textContent('#step-up-reason')).toMatch(/^No longer requiring MFA needs a current code/)
    const code = nextCode(secret)
    await sent
    const retried = page.waitForRequest(
      (req) => req.url().endsWith('/mfa_policy') && req.method() === 'PUT' && req.postData()?.includes(code) === true,
    )
    await confirmStepUp(page, code, '/mfa_policy')
    expect((await retried).postDataJSON()).toEqual({ required: false, grace_days: 0, verification_code: code })
    await expect.poll(() => outcome(page)).toBe('MFA is no longer required.')
    expect(await page.textContent('#policy-state')).toBe('MFA is not required of its members.')
    expect((await historyRows(page)).map((row) => row[2])).toEqual(['not required', 'required, 0 grace days'])
    await page.close()
  })

  it('asks an admin with MFA on for a code to reset a member', async () => {
    const tenant = await freshTenant('Reset Step-up Co')
    const admin = await newUser('admin@example.com', adminOf(tenant))
    const member = await newUser('member@example.com', memberOf(tenant))
    const memberPage = await open(member)
    await enroll(memberPage)
    const page = await open(admin)
    const secret = await enroll(page)
    expect((await rowOf(page, member.email))?.mfa).toBe('on')

    await clickReset(page, member)
    const code = nextCode(secret)
    const sent = page.waitForRequest(
      (req) => req.url().endsWith('/mfa_reset') && req.postData()?.includes(code) === true,
    )
    await confirmStepUp(page, code, '/mfa_reset')
    expect((await sent).postDataJSON()).toEqual({ verification_code: code })
    await expect.poll(() => outcome(page)).toBe("The member's MFA has been reset")
    expect((await rowOf(page, member.email))?.mfa).toBe('off')
    await memberPage.close()
    await page.close()
  })
})
