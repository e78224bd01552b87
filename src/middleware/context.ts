/**
 * Per-request context: the validated settings (parsed once per isolate) and a
 * SaaSus client that forwards this request's tracing headers. The SaaSus part of
 * the configuration goes to the client and nowhere else.
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env'
import { type Config, ConfigError, configFor } from '../config'
import { ApiError } from '../errors'
import { documented } from '../openapi/describe'
import { createSaasusClient, type SaasusCallRecord } from '../saasus/client'

const reported = new WeakSet<object>()

export const context = (): MiddlewareHandler<AppEnv> =>
  documented(
    async function contextHandler(c, next) {
      let config: Config
      try {
        config = configFor(c.env)
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error
        // Once per isolate: the message names each bad variable, never its value.
        if (!reported.has(c.env)) {
          reported.add(c.env)
          console.error(JSON.stringify({ level: 'error', event: 'misconfigured', problems: error.problems }))
        }
        throw new ApiError('misconfigured', { cause: error })
      }
      c.set('settings', config.settings)
      const upstreamCalls: SaasusCallRecord[] = []
      c.set('upstreamCalls', upstreamCalls)
      c.set(
        'saasus',
        createSaasusClient(config.saasus, {
          forward: c.req.raw.headers,
          onCall: (record) => upstreamCalls.push(record),
        }),
      )
      await next()
    },
    { errors: ['misconfigured'] },
  )
