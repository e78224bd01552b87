/**
 * Per-request context: the validated settings (parsed once per isolate) and a
 * SaaSus client that forwards this request's tracing headers. The SaaSus part of
 * the configuration goes to the client and nowhere else.
 */
import type { MiddlewareHandler } from 'hono'
import { ConfigError, reportConfigError } from '../../shared/config-error'
import { ApiError } from '../../shared/errors'
import type { AppEnv } from '../app-env'
import { type Config, configFor } from '../config'
import { documented } from '../openapi/describe'
import { createSaasusClient, type SaasusCallRecord } from '../saasus/client'

export const context = (): MiddlewareHandler<AppEnv> =>
  documented(
    async function contextHandler(c, next) {
      let config: Config
      try {
        config = configFor(c.env)
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error
        reportConfigError(c.env, error)
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
