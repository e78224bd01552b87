/**
 * The Worker's entry point. The app and its type (for `hc<AppType>` from
 * `hono/client`) live in app.ts.
 */
import { app } from './app'

export type { AppType } from './app'
export default app
