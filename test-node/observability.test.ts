/**
 * Threat: tracing keeps tokens. SaaSus's GET /userinfo takes the user's ID token in
 * its query string and the front forwards the bearer to the core, so any tracing
 * that records subrequest URLs or headers would store live tokens. Both Workers
 * keep Workers Logs (our own JSON lines, which never carry a token) and turn
 * traces off, read here as wrangler reads the configs.
 */

import { describe, expect, it } from 'vitest'
import { unstable_readConfig } from 'wrangler'

describe.each(['wrangler.toml', 'wrangler.core.toml'])('%s', (config) => {
  const { observability } = unstable_readConfig({ config })

  it('keeps Workers Logs on', () => {
    expect(observability?.enabled).toBe(true)
  })

  it('turns traces off explicitly', () => {
    expect(observability?.traces?.enabled).toBe(false)
  })
})
