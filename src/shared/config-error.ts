/**
 * What the settings of both Workers share (the core's src/core/config.ts, the front's
 * src/front/settings.ts): the error that names each bad variable, a parse kept once per env
 * object, and the log line that reports a misconfiguration once. No zod here: the front imports it.
 */

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`)
    this.name = 'ConfigError'
  }
}

/**
 * `parse`, run on first use for each env object and kept, its ConfigError included, for the
 * isolate's life: the runtime hands every request the same env.
 */
export function oncePerEnv<T>(parse: (env: object) => T): (env: object) => T {
  const parsed = new WeakMap<object, T | ConfigError>()
  return (env) => {
    let entry = parsed.get(env)
    if (entry === undefined) {
      try {
        entry = parse(env)
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error
        entry = error
      }
      parsed.set(env, entry)
    }
    if (entry instanceof ConfigError) throw entry
    return entry
  }
}

const reported = new WeakSet<object>()

/** The misconfiguration's log line, once per env: it names each bad variable, never its value. */
export function reportConfigError(env: object, error: ConfigError): void {
  if (reported.has(env)) return
  reported.add(env)
  console.error(JSON.stringify({ level: 'error', event: 'misconfigured', problems: error.problems }))
}
