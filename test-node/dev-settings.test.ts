/**
 * What `npm run dev` checks before it starts anything: the settings the API will see,
 * which its own parser then judges (scripts/dev.ts).
 */
import { describe, expect, it } from 'vitest'
import { apiSettings } from '../scripts/dev-vars.ts'
import { coreEnvironment, DEV_MFA_ENCRYPTION_KEY, EMULATOR_SECRETS } from '../scripts/stack.ts'
import { FRONT_SETTINGS } from '../scripts/worker-settings.ts'
import { ALLOWED_ORIGINS, FRONT_BINDINGS } from '../test/support/bindings.ts'

const emulatorMode = (cliVars: Record<string, string>, devVars: Record<string, string> = {}) =>
  apiSettings({ devVars, cliVars, realSaasus: false, emulatorPort: 8788 })

describe('npm run dev, the settings it checks', () => {
  it('gives the emulator mode the development key the stack gives the API, so step-up can be required', () => {
    const { env } = emulatorMode({ MFA_STEP_UP: 'required' })
    expect(env.MFA_STEP_UP).toBe('required')
    expect(env.MFA_ENCRYPTION_KEY).toBe(DEV_MFA_ENCRYPTION_KEY)
  })

  it("lets .dev.vars's own key win over the development one, in the check and in what the stack gives the core", () => {
    const { env, vars } = emulatorMode({}, { MFA_ENCRYPTION_KEY: 'mine:AAAA' })
    expect(env.MFA_ENCRYPTION_KEY).toBe('mine:AAAA')
    expect(coreEnvironment(vars, EMULATOR_SECRETS).MFA_ENCRYPTION_KEY).toBe('mine:AAAA')
  })

  it('gives no development key when the API talks to the real SaaSus', () => {
    const { env } = apiSettings({
      devVars: { SAASUS_SAAS_ID: 'a', SAASUS_API_KEY: 'b', SAASUS_SECRET_KEY: 'c' },
      cliVars: { MFA_STEP_UP: 'required' },
      realSaasus: true,
      emulatorPort: 8788,
    })
    expect(env.MFA_ENCRYPTION_KEY).toBeUndefined()
  })

  it('hands real SaaSus credentials and .dev.vars settings on, with --var winning, for the core never reads .dev.vars itself', () => {
    const { vars, secrets } = apiSettings({
      devVars: {
        SAASUS_SAAS_ID: 'a',
        SAASUS_API_KEY: 'b',
        SAASUS_SECRET_KEY: 'c',
        USER_CACHE_TTL_SECONDS: '30',
        MFA_STEP_UP: 'off',
      },
      cliVars: { SAASUS_API_URL_BASE: 'https://saasus.example', MFA_STEP_UP: 'required' },
      realSaasus: true,
      emulatorPort: 8788,
    })
    expect(secrets).toEqual({ SAASUS_SAAS_ID: 'a', SAASUS_API_KEY: 'b', SAASUS_SECRET_KEY: 'c' })
    expect(vars).toMatchObject({
      SAASUS_API_URL_BASE: 'https://saasus.example',
      USER_CACHE_TTL_SECONDS: '30',
      MFA_STEP_UP: 'required',
    })
    // The credentials travel as secrets only, never as settings a log could print.
    expect(Object.keys(vars)).not.toContain('SAASUS_SECRET_KEY')
  })
})

describe("the tests' front", () => {
  it("gets exactly the settings wrangler.toml declares (test/support/harness.ts tells them from the core's by these names)", () => {
    const given = Object.keys({ ...FRONT_BINDINGS, ALLOWED_ORIGINS })
    expect(given.sort()).toEqual([...FRONT_SETTINGS].sort())
  })
})
