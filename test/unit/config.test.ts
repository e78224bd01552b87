/**
 * The settings, parsed once from the env and validated: the documented
 * defaults, and one message naming the variable for each bad value.
 */
import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../../src/core/config'
import { parseFrontSettings } from '../../src/front/settings'

const secrets = { SAASUS_SAAS_ID: 'saas', SAASUS_API_KEY: 'key', SAASUS_SECRET_KEY: 'secret' }

/** The problems parseConfig names for an env, or none. */
function problemsOf(env: Record<string, unknown>): string[] {
  try {
    parseConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  return []
}

describe('parseConfig', () => {
  it('applies the documented defaults when only the secrets are set', () => {
    const config = parseConfig(secrets)
    expect(config.saasus.authApiUrl).toBe('https://api.saasus.io/v1/auth')
    expect(config.settings.mfaIssuer).toBe('SaaSusPlatform')
    expect(config.saasus.timeoutMs).toBe(5000)
  })

  it('names each missing secret', () => {
    expect(problemsOf({})).toEqual([
      'SAASUS_SAAS_ID is required',
      'SAASUS_API_KEY is required',
      'SAASUS_SECRET_KEY is required',
    ])
  })

  it('treats a blank secret as missing', () => {
    expect(problemsOf({ ...secrets, SAASUS_SECRET_KEY: '   ' })).toEqual(['SAASUS_SECRET_KEY is required'])
  })

  it('rejects a SAASUS_API_URL_BASE that is not an http(s) URL, naming it', () => {
    expect(problemsOf({ ...secrets, SAASUS_API_URL_BASE: 'ftp://x' })[0]).toMatch(/^SAASUS_API_URL_BASE: /)
    expect(problemsOf({ ...secrets, SAASUS_API_URL_BASE: 'not a url' })[0]).toMatch(/^SAASUS_API_URL_BASE: /)
  })

  it('drops a trailing slash from SAASUS_API_URL_BASE', () => {
    expect(parseConfig({ ...secrets, SAASUS_API_URL_BASE: 'http://127.0.0.1:9000/' }).saasus.authApiUrl).toBe(
      'http://127.0.0.1:9000/v1/auth',
    )
  })

  it("reads none of the front's settings: each Worker parses its own", () => {
    const config = parseConfig({ ...secrets, ALLOWED_ORIGINS: '*', SERVE_API_REFERENCE: 'maybe' })
    expect(Object.keys(config.settings)).not.toContain('allowedOrigins')
    expect(Object.keys(config.settings)).not.toContain('serveApiReference')
  })

  it('rejects an MFA_ISSUER containing ":"', () => {
    expect(problemsOf({ ...secrets, MFA_ISSUER: 'Acme:Prod' })[0]).toMatch(/^MFA_ISSUER: .*":"/)
  })

  it('says what a number setting takes, whatever is wrong with the value given', () => {
    for (const value of ['abc', '2.5', '-1', '3601']) {
      expect(problemsOf({ ...secrets, USER_CACHE_TTL_SECONDS: value })).toEqual([
        'USER_CACHE_TTL_SECONDS: must be a whole number of seconds from 0 to 3600',
      ])
    }
  })

  it('reads SAASUS_TIMEOUT_MS as whole milliseconds within bounds', () => {
    expect(parseConfig({ ...secrets, SAASUS_TIMEOUT_MS: '250' }).saasus.timeoutMs).toBe(250)
    expect(problemsOf({ ...secrets, SAASUS_TIMEOUT_MS: 'soon' })[0]).toMatch(/^SAASUS_TIMEOUT_MS: /)
    expect(problemsOf({ ...secrets, SAASUS_TIMEOUT_MS: '0' })[0]).toMatch(/^SAASUS_TIMEOUT_MS: /)
  })

  it('reads REQUEST_LOG as all (the default) or failures, naming it otherwise', () => {
    expect(parseConfig(secrets).settings.requestLog).toBe('all')
    expect(parseConfig({ ...secrets, REQUEST_LOG: 'failures' }).settings.requestLog).toBe('failures')
    expect(problemsOf({ ...secrets, REQUEST_LOG: 'none' })[0]).toMatch(/^REQUEST_LOG: /)
  })

  it('treats an empty var as unset, so `--var NAME:` restores the default', () => {
    expect(parseConfig({ ...secrets, MFA_ISSUER: '', SAASUS_API_URL_BASE: '' }).settings.mfaIssuer).toBe(
      'SaaSusPlatform',
    )
  })
})

describe('the refresh cookie settings', () => {
  it('default to SameSite=None, 30 days, and the refresh token in the body', () => {
    const config = parseConfig(secrets)
    expect(config.settings.refreshCookie).toEqual({ path: '/refresh', sameSite: 'none', maxAgeSeconds: 2_592_000 })
    expect(config.settings.refreshTokenInBody).toBe(true)
  })

  it('read REFRESH_COOKIE_SAMESITE in any case', () => {
    expect(parseConfig({ ...secrets, REFRESH_COOKIE_SAMESITE: 'Strict' }).settings.refreshCookie.sameSite).toBe(
      'strict',
    )
    expect(parseConfig({ ...secrets, REFRESH_COOKIE_SAMESITE: ' lax ' }).settings.refreshCookie.sameSite).toBe('lax')
  })

  it('reject any other SameSite value, naming the variable', () => {
    expect(problemsOf({ ...secrets, REFRESH_COOKIE_SAMESITE: 'Sometimes' })).toEqual([
      'REFRESH_COOKIE_SAMESITE: must be None, Lax or Strict',
    ])
  })

  it('bound REFRESH_COOKIE_MAX_AGE_SECONDS between a minute and 400 days', () => {
    expect(
      parseConfig({ ...secrets, REFRESH_COOKIE_MAX_AGE_SECONDS: '3600' }).settings.refreshCookie.maxAgeSeconds,
    ).toBe(3600)
    expect(problemsOf({ ...secrets, REFRESH_COOKIE_MAX_AGE_SECONDS: '59' })[0]).toMatch(
      /^REFRESH_COOKIE_MAX_AGE_SECONDS: /,
    )
    expect(problemsOf({ ...secrets, REFRESH_COOKIE_MAX_AGE_SECONDS: '34560001' })[0]).toMatch(
      /^REFRESH_COOKIE_MAX_AGE_SECONDS: /,
    )
  })

  it('read REFRESH_COOKIE_PATH as /refresh under the prefix browsers reach the API at', () => {
    for (const path of ['/refresh', '/api/refresh', '/v1/mfa-edge/refresh', ' /api/refresh ']) {
      expect(parseConfig({ ...secrets, REFRESH_COOKIE_PATH: path }).settings.refreshCookie.path).toBe(path.trim())
    }
  })

  it('reject any other REFRESH_COOKIE_PATH in one line naming the variable', () => {
    const bad = [
      'refresh',
      'api/refresh',
      '/api/refresh/',
      '/api',
      '/',
      '/api;x/refresh',
      '/a b/refresh',
      '/../refresh',
    ]
    for (const path of [...bad, '/api/refresh; Domain=evil.example', '/api//refresh', '/Refresh']) {
      expect(problemsOf({ ...secrets, REFRESH_COOKIE_PATH: path }), path).toEqual([
        'REFRESH_COOKIE_PATH: must be where browsers call /refresh: /refresh, or <prefix>/refresh like /api/refresh (letters, digits, - _ . ~)',
      ])
    }
  })

  it('read REFRESH_TOKEN_IN_BODY as true or false, from a string or a TOML boolean', () => {
    expect(parseConfig({ ...secrets, REFRESH_TOKEN_IN_BODY: 'false' }).settings.refreshTokenInBody).toBe(false)
    expect(parseConfig({ ...secrets, REFRESH_TOKEN_IN_BODY: false }).settings.refreshTokenInBody).toBe(false)
    expect(problemsOf({ ...secrets, REFRESH_TOKEN_IN_BODY: 'no' })[0]).toMatch(/^REFRESH_TOKEN_IN_BODY: /)
  })
})

describe('MFA_ENCRYPTION_KEY', () => {
  /** As `openssl rand -base64 32` prints it: 44 characters, `=` padded. */
  const opensslKey = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))

  it('takes one bare base64 key, the form `openssl rand -base64 32` prints, as key k1', () => {
    const key = opensslKey()
    expect(key).toHaveLength(44)
    expect(key.endsWith('=')).toBe(true)
    const config = parseConfig({ ...secrets, MFA_STEP_UP: 'required', MFA_ENCRYPTION_KEY: key })
    expect(config.secretBoxKeys?.map((k) => k.id)).toEqual(['k1'])
    expect(config.settings.stepUp).toBe('required')
  })

  it('takes <key id>:<key>, comma-separated, newest first, for a rotation', () => {
    const value = `new:${opensslKey()},k1:${opensslKey()}`
    expect(parseConfig({ ...secrets, MFA_ENCRYPTION_KEY: value }).secretBoxKeys?.map((k) => k.id)).toEqual([
      'new',
      'k1',
    ])
  })

  it('names the variable and what is wrong in one line, never the value', () => {
    const short = opensslKey().slice(0, 40)
    const [problem] = problemsOf({ ...secrets, MFA_ENCRYPTION_KEY: short })
    expect(problem).toMatch(/^MFA_ENCRYPTION_KEY: must be one base64 key of 32 bytes .*; it is 30 bytes, not 32$/)
    expect(problem).not.toContain(short.slice(0, 12))
    expect(problemsOf({ ...secrets, MFA_ENCRYPTION_KEY: 'k1:not base64!' })).toEqual([
      'MFA_ENCRYPTION_KEY: key "k1" is not base64',
    ])
  })
})

describe('SAASUS_REFUSAL_WORDS', () => {
  it('is validated like every other setting, naming what is wrong', () => {
    const problems = (value: string) => problemsOf({ ...secrets, SAASUS_REFUSAL_WORDS: value }).join('; ')
    expect(problems('{"software_token":{"wrong_code":["otp rejected"]}}')).toBe('')
    expect(problems('not json')).toMatch(/^SAASUS_REFUSAL_WORDS: must be JSON/)
    expect(problems('{"verify":{"wrong_code":["x y z"]}}')).toMatch(/SAASUS_REFUSAL_WORDS: "verify" is not one of/)
    expect(problems('{"mfa_preference":{"wrong_code":["abc"]}}')).toMatch(/cannot end in "wrong_code"/)
    expect(problems('{"software_token":{"wrong_code":["ab"]}}')).toMatch(/words of 3 to 100 characters/)
    expect(problems('{"software_token":{"wrong_code":"abc"}}')).toMatch(/must be a list/)
    expect(problems('[]')).toMatch(/must be a JSON object/)
  })
})

describe('USER_CACHE_TTL_SECONDS', () => {
  it('defaults to 60 seconds and accepts 0 (off)', () => {
    expect(parseConfig(secrets).settings.userCacheTtlSeconds).toBe(60)
    expect(parseConfig({ ...secrets, USER_CACHE_TTL_SECONDS: '0' }).settings.userCacheTtlSeconds).toBe(0)
  })

  it('rejects a value that is not whole seconds within an hour, naming the variable', () => {
    for (const value of ['-1', '3601', 'soon', '1.5']) {
      expect(problemsOf({ ...secrets, USER_CACHE_TTL_SECONDS: value })[0]).toMatch(/^USER_CACHE_TTL_SECONDS: /)
    }
  })
})

describe('MFA_POLICY_ADMIN_ROLES and SAASUS_ENV_ID (tenant policy)', () => {
  it('default to the role admin in any env', () => {
    expect(parseConfig(secrets).settings.tenantAdmins).toEqual({ roles: ['admin'], envId: undefined })
  })

  it('read comma-separated role names, trimmed, each once, and a whole env id', () => {
    const config = parseConfig({ ...secrets, MFA_POLICY_ADMIN_ROLES: ' owner, admin ,owner', SAASUS_ENV_ID: '3' })
    expect(config.settings.tenantAdmins).toEqual({ roles: ['owner', 'admin'], envId: 3 })
  })

  it('refuse no role name, or an env id that is not a positive whole number, naming each', () => {
    expect(problemsOf({ ...secrets, MFA_POLICY_ADMIN_ROLES: ' , ' })).toEqual([
      'MFA_POLICY_ADMIN_ROLES: must be role names separated by commas, like admin,owner',
    ])
    for (const SAASUS_ENV_ID of ['dev', '0', '1.5']) {
      expect(problemsOf({ ...secrets, SAASUS_ENV_ID })).toEqual([
        'SAASUS_ENV_ID: must be the id of a SaaSus env, a whole number such as 1',
      ])
    }
  })
})

describe('SECURITY_WEBHOOK_* (security webhooks)', () => {
  // The form the issue asks for: whsec_ + base64, as `echo "whsec_$(openssl rand -base64 32)"` prints it.
  const SECRET = `whsec_${btoa(String.fromCharCode(...new Uint8Array(32).map((_, i) => i * 7)))}`
  const URL = 'https://hooks.example.com/saasus'

  it('are off with neither set, and read with both, with the documented timeout and retry delays', () => {
    expect(parseConfig(secrets).webhooks).toBeUndefined()
    expect(parseConfig({ ...secrets, SECURITY_WEBHOOK_URL: '', SECURITY_WEBHOOK_SECRET: '' }).webhooks).toBeUndefined()
    expect(parseConfig({ ...secrets, SECURITY_WEBHOOK_URL: URL, SECURITY_WEBHOOK_SECRET: SECRET }).webhooks).toEqual({
      url: URL,
      secret: SECRET,
      timeoutMs: 10_000,
      retryDelays: [10, 60, 300, 1800, 7200, 21_600, 43_200],
    })
  })

  it('refuse one without the other, naming the missing one', () => {
    expect(problemsOf({ ...secrets, SECURITY_WEBHOOK_URL: URL })).toEqual([
      'SECURITY_WEBHOOK_SECRET is required when SECURITY_WEBHOOK_URL is set (webhooks need both, or neither)',
    ])
    expect(problemsOf({ ...secrets, SECURITY_WEBHOOK_SECRET: SECRET })).toEqual([
      'SECURITY_WEBHOOK_URL is required when SECURITY_WEBHOOK_SECRET is set (webhooks need both, or neither)',
    ])
  })

  it('take https anywhere and http only on this machine', () => {
    const withUrl = (SECURITY_WEBHOOK_URL: string) =>
      problemsOf({ ...secrets, SECURITY_WEBHOOK_URL, SECURITY_WEBHOOK_SECRET: SECRET })
    for (const url of [URL, 'http://127.0.0.1:8788/_emulator/webhooks', 'http://localhost:9000/hook']) {
      expect(withUrl(url)).toEqual([])
    }
    for (const url of [
      'http://hooks.example.com/x',
      'ftp://127.0.0.1/x',
      'https://user:pw@hooks.example.com/',
      'hooks',
    ]) {
      expect(withUrl(url)[0]).toMatch(/^SECURITY_WEBHOOK_URL: must be an https URL/)
    }
  })

  it('refuse a secret not in the Standard Webhooks form without echoing it', () => {
    const short = `whsec_${btoa('x'.repeat(16))}`
    for (const SECURITY_WEBHOOK_SECRET of ['s3cr3t-value', SECRET.slice('whsec_'.length), short, 'whsec_!!!!']) {
      const problems = problemsOf({ ...secrets, SECURITY_WEBHOOK_URL: URL, SECURITY_WEBHOOK_SECRET })
      expect(problems[0]).toMatch(/^SECURITY_WEBHOOK_SECRET: must be whsec_ followed by the base64/)
      expect(problems.join(' ')).not.toContain(SECURITY_WEBHOOK_SECRET)
    }
  })

  it('read retry delays as seconds, refusing what a Queues retry cannot wait', () => {
    const both = { ...secrets, SECURITY_WEBHOOK_URL: URL, SECURITY_WEBHOOK_SECRET: SECRET }
    expect(parseConfig({ ...both, SECURITY_WEBHOOK_RETRY_DELAYS: ' 0, 5 ,60' }).webhooks?.retryDelays).toEqual([
      0, 5, 60,
    ])
    for (const SECURITY_WEBHOOK_RETRY_DELAYS of ['43201', '1,,2', '-1', 'soon']) {
      expect(problemsOf({ ...both, SECURITY_WEBHOOK_RETRY_DELAYS })[0]).toMatch(/^SECURITY_WEBHOOK_RETRY_DELAYS: /)
    }
  })
})

describe("parseFrontSettings (the front's own)", () => {
  const frontProblems = (env: Record<string, unknown>) => {
    try {
      parseFrontSettings(env)
      return []
    } catch (error) {
      if (error instanceof ConfigError) return error.problems
      throw error
    }
  }

  it('defaults to no allowed origin', () => {
    expect([...parseFrontSettings({}).allowedOrigins]).toEqual([])
  })

  it('splits ALLOWED_ORIGINS on commas and trims each origin', () => {
    const settings = parseFrontSettings({ ALLOWED_ORIGINS: ' https://a.example , http://localhost:3000,' })
    expect([...settings.allowedOrigins]).toEqual(['https://a.example', 'http://localhost:3000'])
  })

  it('rejects an allowed origin with a path or trailing slash, naming the variable', () => {
    expect(frontProblems({ ALLOWED_ORIGINS: 'https://a.example/' })[0]).toMatch(/^ALLOWED_ORIGINS: /)
    expect(frontProblems({ ALLOWED_ORIGINS: '*' })[0]).toMatch(/^ALLOWED_ORIGINS: /)
  })
})
