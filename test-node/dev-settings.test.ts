/**
 * What `npm run dev` gives the API before wrangler takes over: the settings it merges and checks,
 * and the `wrangler dev` command that hands them to each Worker.
 */
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { apiCommand, devSettings, FRONT_SETTINGS, settingsProblems } from '../scripts/dev-settings.ts'
import { DEV_MFA_ENCRYPTION_KEY } from '../scripts/wrangler-local.ts'
import { ALLOWED_ORIGINS, FRONT_BINDINGS } from '../test/support/bindings.ts'

const emulatorMode = (cliVars: Record<string, string>, devVars: Record<string, string> = {}) =>
  devSettings({ devVars, cliVars, emulatorPort: 8788 })
const REAL_CREDENTIALS = { SAASUS_SAAS_ID: 'a', SAASUS_API_KEY: 'b', SAASUS_SECRET_KEY: 'c' }

describe('npm run dev, the settings it merges', () => {
  it('gives the emulator mode the development key, so step-up can be required', () => {
    const { env } = emulatorMode({ MFA_STEP_UP: 'required' })
    expect(env.MFA_STEP_UP).toBe('required')
    expect(env.MFA_ENCRYPTION_KEY).toBe(DEV_MFA_ENCRYPTION_KEY)
  })

  it("lets .dev.vars's own key win over the development one, in the check and in what wrangler gives the core", () => {
    const { env } = emulatorMode({}, { MFA_ENCRYPTION_KEY: 'mine:AAAA' })
    expect(env.MFA_ENCRYPTION_KEY).toBe('mine:AAAA')
    expect(apiCommand(8787, env).env.MFA_ENCRYPTION_KEY).toBe('mine:AAAA')
  })

  it("keeps the emulator's connection in emulator mode: .dev.vars's set aside with a note, a --var refused", () => {
    const { env, notes } = emulatorMode({}, { ...REAL_CREDENTIALS, SAASUS_API_URL_BASE: 'https://saasus.example' })
    expect(env).toMatchObject({ SAASUS_SAAS_ID: 'emulator-saas-id', SAASUS_API_URL_BASE: 'http://127.0.0.1:8788' })
    expect(notes.join('\n')).toContain('set aside')
    expect(() => emulatorMode({ SAASUS_API_URL_BASE: 'https://saasus.example' })).toThrow(/emulator's/)
  })

  it("keeps the emulator's origins beside an ALLOWED_ORIGINS of yours, so the demo page still works", () => {
    const { env } = emulatorMode({ ALLOWED_ORIGINS: 'https://app.example' })
    expect(env.ALLOWED_ORIGINS).toBe('https://app.example,http://localhost:8788,http://127.0.0.1:8788')
  })

  it('gives no development key when the API talks to the real SaaSus', () => {
    const { env } = devSettings({ devVars: REAL_CREDENTIALS, cliVars: { MFA_STEP_UP: 'required' } })
    expect(env.MFA_ENCRYPTION_KEY).toBeUndefined()
  })

  it('refuses a --var neither Worker declares, naming the nearest one', () => {
    expect(() => emulatorMode({ MFA_STEP_UPP: 'required' })).toThrow('(did you mean MFA_STEP_UP?)')
  })
})

describe("npm run dev, the settings check before it starts (each Worker's own parser)", () => {
  /** What `openssl rand -base64 32` prints: 44 characters, `=` padded. */
  const opensslKey = () => randomBytes(32).toString('base64')

  it('takes MFA_ENCRYPTION_KEY as one bare base64 key, with step-up required', async () => {
    const key = opensslKey()
    expect(key).toMatch(/^[A-Za-z0-9+/]{43}=$/)
    const { env } = emulatorMode({ MFA_STEP_UP: 'required' }, { MFA_ENCRYPTION_KEY: key })
    expect(await settingsProblems(env)).toEqual([])
  })

  it('refuses a malformed one, naming it and what is wrong, never the value', async () => {
    const short = opensslKey().slice(0, 40)
    const { env } = emulatorMode({ MFA_STEP_UP: 'required' }, { MFA_ENCRYPTION_KEY: short })
    const problems = await settingsProblems(env)
    expect(problems).toEqual([
      'MFA_ENCRYPTION_KEY: must be one base64 key of 32 bytes (`openssl rand -base64 32`) or <key id>:<base64 key>[,<key id>:<base64 key>…]; it is 30 bytes, not 32',
    ])
    expect(problems.join()).not.toContain(short.slice(0, 12))
  })
})

describe('npm run dev, the wrangler dev it runs', () => {
  const { env } = devSettings({
    devVars: { ...REAL_CREDENTIALS, USER_CACHE_TTL_SECONDS: '30', MFA_STEP_UP: 'off' },
    cliVars: { SAASUS_API_URL_BASE: 'https://saasus.example', MFA_STEP_UP: 'required', REQUEST_LOG: 'failures' },
  })
  const command = apiCommand(8787, env)

  it('runs the front first (it gets the port) and the core behind it', () => {
    expect(command.args.slice(0, 5)).toEqual(['dev', '-c', 'wrangler.toml', '-c', expect.stringMatching(/core/)])
    expect(command.args).toContain('8787')
  })

  it('hands the core .dev.vars and --var in the environment, --var winning, for --var reaches the front only', () => {
    expect(command.env).toMatchObject({
      ...REAL_CREDENTIALS,
      SAASUS_API_URL_BASE: 'https://saasus.example',
      USER_CACHE_TTL_SECONDS: '30',
      MFA_STEP_UP: 'required',
    })
  })

  it('gives the front its own settings as --var, and nothing else: no secret on a command line a log could print', () => {
    const vars = command.args.filter((_, i) => command.args[i - 1] === '--var')
    expect(vars.sort()).toEqual(['REQUEST_LOG:failures', 'SERVE_API_REFERENCE:true'])
    expect(command.args.join(' ')).not.toContain('SAASUS_SECRET_KEY')
  })
})

describe("the tests' front", () => {
  it("gets exactly the settings wrangler.toml declares (test/support/harness.ts tells them from the core's by these names)", () => {
    const given = Object.keys({ ...FRONT_BINDINGS, ALLOWED_ORIGINS })
    expect(given.sort()).toEqual([...FRONT_SETTINGS].sort())
  })
})

// Imported here, not above: these cases were added at the end of a file others edit too.
const { spawnSync } = await import('node:child_process')
const { existsSync, readdirSync, rmSync, writeFileSync } = await import('node:fs')
const { join } = await import('node:path')
const { freshState, ROOT } = await import('../scripts/wrangler-local.ts')

describe('npm run dev, the state it keeps', () => {
  it("starts the emulator's runs from an empty directory, whatever the last start left, and leaves a neighbour's alone", () => {
    const first = freshState('test-dev-settings')
    writeFileSync(join(first, 'left-over.sqlite'), 'an object of the last start')
    const neighbour = freshState('test-dev-settings-neighbour')
    writeFileSync(join(neighbour, 'kept.sqlite'), 'another port, another run')
    expect(freshState('test-dev-settings')).toBe(first)
    expect(readdirSync(first)).toEqual([])
    expect(existsSync(join(neighbour, 'kept.sqlite'))).toBe(true)
    for (const dir of [first, neighbour]) rmSync(dir, { recursive: true })
  })

  /** scripts/dev.ts run as npm runs it; only ones that end at its option check, before any port or wrangler. */
  const dev = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, 'scripts', 'dev.ts'), ...args], { cwd: ROOT, encoding: 'utf8' })

  it('takes --persist-to <dir>', () => {
    const { status, stdout } = dev('--persist-to', join(ROOT, '.wrangler', 'test-persist'), '--help')
    expect(status).toBe(0)
    expect(stdout).toContain('--persist-to <dir>')
  })

  it('refuses a --persist-to that is a file, in one line', () => {
    const { status, stderr } = dev('--persist-to', 'package.json')
    expect(status).toBe(2)
    expect(stderr.trim()).toBe('npm run dev: --persist-to package.json: that is a file, not a directory')
  })
})
