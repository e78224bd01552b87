/**
 * The floor worker: what the API would cost if it did nothing but its one
 * unavoidable SaaSus call. Each request makes exactly one signed call (the MFA
 * preference of `?user=<id>`) and passes the answer back. Served by the same
 * runtime, the same way, as the API, so the benchmark's ratios to it measure
 * the API's own overhead and nothing of the machine's.
 */
import { authorizationHeader } from '../../src/core/saasus/signature'

interface FloorEnv {
  SAASUS_API_URL_BASE: string
  SAASUS_SAAS_ID: string
  SAASUS_API_KEY: string
  SAASUS_SECRET_KEY: string
}

export default {
  async fetch(request, env) {
    const user = new URL(request.url).searchParams.get('user') ?? ''
    const url = `${env.SAASUS_API_URL_BASE}/v1/auth/users/${encodeURIComponent(user)}/mfa/preference`
    const credentials = { saasId: env.SAASUS_SAAS_ID, apiKey: env.SAASUS_API_KEY, secretKey: env.SAASUS_SECRET_KEY }
    const answer = await fetch(url, {
      headers: { Authorization: await authorizationHeader(credentials, { method: 'GET', url }) },
    })
    return new Response(answer.body, { status: answer.status, headers: { 'Content-Type': 'application/json' } })
  },
} satisfies ExportedHandler<FloorEnv>
