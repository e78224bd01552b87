/**
 * Requires `X-Access-Token`, the user's SaaSus access token, which the two
 * software-token calls (setup and verify) pass on to SaaSus. Checked before any
 * attempt is counted, so a request without it spends none.
 */
import type { MiddlewareHandler } from 'hono'
import { ApiError } from '../../shared/errors'
import type { AppEnv } from '../app-env'
import { documented } from '../openapi/describe'
import { accessTokenHeader } from '../schemas'

type WithAccessToken = AppEnv & { Variables: { accessToken: string } }

/**
 * @example routes.get('/mfa_setup', requireUser(), requireAccessToken(), (c) => use(c.get('accessToken')))
 */
export const requireAccessToken = (): MiddlewareHandler<WithAccessToken> =>
  documented(
    async function requireAccessTokenHandler(c, next) {
      const parsed = accessTokenHeader.safeParse(c.req.header('X-Access-Token')?.trim() ?? '')
      if (!parsed.success) throw new ApiError('missing_access_token')
      c.set('accessToken', parsed.data)
      await next()
    },
    { parameters: ['AccessToken'], errors: ['missing_access_token'] },
  )
