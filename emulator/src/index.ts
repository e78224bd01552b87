/**
 * A local stand-in for the SaaSus Auth API (`/v1/auth/...`), for development and
 * tests: it checks SAASUSSIGV1 signatures, keeps per-user MFA state and verifies
 * real TOTP codes. `/_emulator/...` holds development-only helpers.
 */
import { Hono } from 'hono'
import { authApi } from './auth-api'
import { echoTraceId, recordCalls } from './calls'
import { devApi } from './dev-api'
import type { EmulatorEnv } from './env'
import { injectFaults, refuseEveryCall } from './faults'
import { loginDevApi } from './login-dev-api'
import { requireSignature } from './signature-check'
import { webhookReceiver } from './webhook-receiver'

const app = new Hono<EmulatorEnv>()

app.use('/v1/auth/*', recordCalls())
app.use('/v1/auth/*', echoTraceId())
app.use('/v1/auth/*', injectFaults())
app.use('/v1/auth/*', refuseEveryCall())
app.use('/v1/auth/*', requireSignature())
app.route('/v1/auth', authApi)
app.route('/_emulator', devApi)
app.route('/_emulator', loginDevApi)
app.route('/_emulator', webhookReceiver)
app.notFound((c) => c.json({ type: 'not_found', message: 'No such endpoint in the emulator' }, 404))

export default app
