/** The front Worker's entry point (wrangler.toml): the app in app.ts. */
import { front } from './app'

export default front
