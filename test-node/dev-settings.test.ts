/**
 * What `npm run dev` gives the API before wrangler takes over: the settings it merges and checks,
 * and the `wrangler dev` command that hands them to each Worker.
 */
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { apiCommand, devSettings, FRONT_SETTINGS, settingsProblems, webhookTarget } from '../scripts/dev-settings.ts'
import { DEV_MFA_ENCRYPTION_KEY, DEV_WEBHOOK_SECRET } from '../scripts/wrangler-local.ts'
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
const { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } = await import('node:fs')
const { join, resolve } = await import('node:path')
const { freshState, ROOT } = await import('../scripts/wrangler-local.ts')

/** scripts/dev.ts run as npm runs it; only ones that end at its option or settings check, before any port or wrangler. */
const dev = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [join(ROOT, 'scripts', 'dev.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    // Bounded: should a case start the servers after all, SIGTERM stops them.
    timeout: 60_000,
  })

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

  it('takes --persist-to <dir>', () => {
    const { status, stdout } = dev(['--persist-to', join(ROOT, '.wrangler', 'test-persist'), '--help'])
    expect(status).toBe(0)
    expect(stdout).toContain('--persist-to <dir>')
  })

  it('refuses a --persist-to that is a file, in one line', () => {
    const { status, stderr } = dev(['--persist-to', 'package.json'])
    expect(status).toBe(2)
    expect(stderr.trim()).toBe('npm run dev: --persist-to package.json: that is a file, not a directory')
  })
})

describe('npm run dev, the security webhooks', () => {
  /** What `openssl rand -base64 32` gives, in the Standard Webhooks form. */
  const ownSecret = () => `whsec_${randomBytes(32).toString('base64')}`
  const OWN_URL = 'https://hooks.example.com/security'
  /** The secrets the core's config of this command declares (`[secrets] required`). */
  const declaredSecrets = (command: { args: string[] }) => {
    const toml = readFileSync(resolve(ROOT, command.args[4] ?? ''), 'utf8')
    return /^required\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1]?.match(/\w+/g) ?? []
  }

  it("sends them to the emulator's receiver when you give neither URL nor secret, retried within two minutes", async () => {
    const { env } = emulatorMode({})
    expect(env).toMatchObject({
      SECURITY_WEBHOOK_URL: 'http://127.0.0.1:8788/_emulator/webhooks',
      SECURITY_WEBHOOK_SECRET: DEV_WEBHOOK_SECRET,
      SECURITY_WEBHOOK_RETRY_DELAYS: '1,2,4,8,15,30,60',
    })
    expect(webhookTarget(env, 8788)).toEqual({ url: env.SECURITY_WEBHOOK_URL, toEmulator: true })
    expect(await settingsProblems(env)).toEqual([])
  })

  it('keeps your retry delays with the emulator receiver', () => {
    const { env } = emulatorMode({ SECURITY_WEBHOOK_RETRY_DELAYS: '5,10' })
    expect(env.SECURITY_WEBHOOK_RETRY_DELAYS).toBe('5,10')
    expect(env.SECURITY_WEBHOOK_SECRET).toBe(DEV_WEBHOOK_SECRET)
  })

  it('sends them where you say, with your secret, from --var, .dev.vars or the environment', async () => {
    const secret = ownSecret()
    const runs = [
      emulatorMode({ SECURITY_WEBHOOK_URL: OWN_URL, SECURITY_WEBHOOK_SECRET: secret }),
      emulatorMode({}, { SECURITY_WEBHOOK_URL: OWN_URL, SECURITY_WEBHOOK_SECRET: secret }),
      devSettings({
        devVars: {},
        cliVars: { SECURITY_WEBHOOK_URL: OWN_URL },
        environment: { SECURITY_WEBHOOK_SECRET: secret, PATH: '/usr/bin' },
        emulatorPort: 8788,
      }),
    ]
    for (const { env } of runs) {
      expect(env).toMatchObject({ SECURITY_WEBHOOK_URL: OWN_URL, SECURITY_WEBHOOK_SECRET: secret })
      // The default schedule, not the demo's.
      expect(env.SECURITY_WEBHOOK_RETRY_DELAYS).toBeUndefined()
      expect(env.PATH).toBeUndefined()
      expect(webhookTarget(env, 8788)).toEqual({ url: OWN_URL, toEmulator: false })
      expect(await settingsProblems(env)).toEqual([])
    }
    expect(runs[2]?.fromEnvironment).toEqual(['SECURITY_WEBHOOK_SECRET'])
  })

  it('leaves them off against the real SaaSus unless you set them', () => {
    const { env } = devSettings({ devVars: REAL_CREDENTIALS, cliVars: {} })
    expect(env.SECURITY_WEBHOOK_URL).toBeUndefined()
    expect(webhookTarget(env)).toBeUndefined()
  })

  it('refuses a URL without a secret, and a secret without a URL, naming the one missing', async () => {
    const urlOnly = emulatorMode({ SECURITY_WEBHOOK_URL: OWN_URL }).env
    expect(await settingsProblems(urlOnly)).toEqual([
      'SECURITY_WEBHOOK_SECRET is required when SECURITY_WEBHOOK_URL is set (webhooks need both, or neither)',
    ])
    const secretOnly = emulatorMode({}, { SECURITY_WEBHOOK_SECRET: ownSecret() }).env
    expect(await settingsProblems(secretOnly)).toEqual([
      'SECURITY_WEBHOOK_URL is required when SECURITY_WEBHOOK_SECRET is set (webhooks need both, or neither)',
    ])
  })

  it('refuses a malformed secret, never echoing it, and a plain-http URL to another machine', async () => {
    const short = `whsec_${randomBytes(16).toString('base64')}`
    const problems = await settingsProblems(
      emulatorMode({ SECURITY_WEBHOOK_URL: OWN_URL }, { SECURITY_WEBHOOK_SECRET: short }).env,
    )
    expect(problems).toEqual([expect.stringMatching(/^SECURITY_WEBHOOK_SECRET: must be whsec_/)])
    expect(problems.join()).not.toContain(short.slice(6, 18))
    const plain = emulatorMode({
      SECURITY_WEBHOOK_URL: 'http://hooks.example.com/x',
      SECURITY_WEBHOOK_SECRET: ownSecret(),
    })
    expect(await settingsProblems(plain.env)).toEqual([
      expect.stringMatching(/^SECURITY_WEBHOOK_URL: must be an https URL/),
    ])
  })

  it("declares the secret in the core's local config exactly when there is one, for wrangler gives the core only declared secrets", () => {
    const withSecret = apiCommand(8787, emulatorMode({}).env)
    expect(declaredSecrets(withSecret)).toContain('SECURITY_WEBHOOK_SECRET')
    const without = apiCommand(8787, emulatorMode({ SECURITY_WEBHOOK_URL: '' }).env)
    expect(declaredSecrets(without)).not.toContain('SECURITY_WEBHOOK_SECRET')
    expect(declaredSecrets(without)).toContain('SAASUS_SECRET_KEY')
  })

  it('hands the secret to the core in the environment alone, never on the command line', () => {
    const secret = ownSecret()
    const command = apiCommand(
      8787,
      emulatorMode({ SECURITY_WEBHOOK_URL: OWN_URL, SECURITY_WEBHOOK_SECRET: secret }).env,
    )
    expect(command.env.SECURITY_WEBHOOK_SECRET).toBe(secret)
    expect(command.args.join(' ')).not.toContain(secret.slice(6))
    const vars = command.args.filter((_, i) => command.args[i - 1] === '--var')
    expect(vars.filter((value) => value.startsWith('SECURITY_WEBHOOK'))).toEqual([])
  })

  it('stops npm run dev at start, in one line naming the variable, when the URL has no secret', () => {
    // The empty --var wins over any secret a .dev.vars of yours holds.
    const { status, stderr } = dev(['--var', `SECURITY_WEBHOOK_URL:${OWN_URL}`, '--var', 'SECURITY_WEBHOOK_SECRET:'])
    expect(status).toBe(2)
    expect(stderr.trim()).toBe(
      'npm run dev: the API would refuse its settings: SECURITY_WEBHOOK_SECRET is required when SECURITY_WEBHOOK_URL is set (webhooks need both, or neither) (from --var)',
    )
  })

  // A .dev.vars of yours would win over the environment.
  it.skipIf(existsSync(join(ROOT, '.dev.vars')))(
    'says a malformed secret came from the environment, not what it is',
    () => {
      const short = `whsec_${randomBytes(16).toString('base64')}`
      const { status, stderr } = dev(['--emulator'], { SECURITY_WEBHOOK_URL: OWN_URL, SECURITY_WEBHOOK_SECRET: short })
      expect(status).toBe(2)
      expect(stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/^npm run dev: .*SECURITY_WEBHOOK_SECRET: must be whsec_.* \(from the environment\)$/),
      ])
      expect(stderr).not.toContain(short.slice(6, 18))
    },
  )
})
