/**
 * `npm run webhooks`: the dead letters of the security webhooks (docs/webhooks.md, "Dead letters"),
 * read and replayed through the API's two operator routes, each request signed with the webhook
 * secret as the API checks it (src/core/webhooks/operator.ts).
 *
 * The secret: SECURITY_WEBHOOK_SECRET from the environment, else from .dev.vars; against an API on
 * this machine with neither, the emulator's development secret (what `npm run dev` uses by default).
 */
import { parseArgs } from 'node:util'
import { DEV_WEBHOOK_SECRET } from '../emulator/src/credentials.ts'
import { closest, readDevVars } from './dev-settings.ts'
import { operatorRequest } from './operator-request.ts'

const HELP = `usage: npm run webhooks -- <command> [--api <url>] [--limit <n>] [--cursor <c>] [--id <webhook-id>]...

  dead-letters   how many webhooks the receiver never took, and the oldest (--limit, default 100;
                 --cursor: the next_cursor of the page before, for the next page)
  replay         sends dead letters to the webhook queue again under their own ids: those named with
                 --id, or else the oldest --limit (default 100)

  --api <url>    the API (default http://127.0.0.1:$API_PORT, 8787: npm run dev's)
Signs with SECURITY_WEBHOOK_SECRET (environment, then .dev.vars).`

function fail(message: string): never {
  console.error(`npm run webhooks: ${message}`)
  process.exit(2)
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      options: {
        api: { type: 'string' },
        limit: { type: 'string' },
        cursor: { type: 'string' },
        id: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    })
  } catch (error) {
    return fail(`${(error as Error).message}\n${HELP.split('\n')[0]}`)
  }
})()
if (values.help) {
  console.log(HELP)
  process.exit(0)
}
const [command, ...extra] = positionals
if (command !== 'dead-letters' && command !== 'replay') {
  const guess = command === undefined ? undefined : closest(command, ['dead-letters', 'replay'])
  fail(
    `${command === undefined ? 'say' : `${command}: no such command;`} dead-letters or replay${guess ? ` (did you mean ${guess}?)` : ''}\n${HELP.split('\n')[0]}`,
  )
}
if (extra.length > 0) fail(`unexpected ${extra.join(' ')}`)
if (values.limit !== undefined && !/^\d+$/.test(values.limit))
  fail(`--limit takes a whole number, not "${values.limit}"`)
if (command === 'dead-letters' && values.id) fail('--id is for replay')
if (command === 'replay' && values.cursor) fail('--cursor is for dead-letters')

const api = new URL(values.api ?? `http://127.0.0.1:${process.env.API_PORT ?? 8787}`)
const local = ['127.0.0.1', 'localhost', '[::1]'].includes(api.hostname)
const secret =
  process.env.SECURITY_WEBHOOK_SECRET || readDevVars().SECURITY_WEBHOOK_SECRET || (local ? DEV_WEBHOOK_SECRET : '')
if (!secret) fail('set SECURITY_WEBHOOK_SECRET (the secret the API signs webhooks with)')

/** One request signed as an operator's; a one-line failure when the API does not answer. */
async function signed(method: 'GET' | 'POST', pathAndQuery: string, body = ''): Promise<Response> {
  try {
    return await operatorRequest(api, secret, method, pathAndQuery, body)
  } catch {
    return fail(`${api.origin} does not answer; is the API running (npm run dev)?`)
  }
}

const limit = values.limit === undefined ? {} : { limit: Number(values.limit) }
const query = { ...(values.limit ? { limit: values.limit } : {}), ...(values.cursor ? { cursor: values.cursor } : {}) }
const res =
  command === 'dead-letters'
    ? await signed(
        'GET',
        `/webhooks/dead_letters${Object.keys(query).length > 0 ? `?${new URLSearchParams(query)}` : ''}`,
      )
    : await signed(
        'POST',
        '/webhooks/dead_letters/replay',
        JSON.stringify({ ...(values.id ? { webhook_ids: values.id } : {}), ...limit }),
      )
const text = await res.text()
if (!res.ok) fail(`${res.status}: ${text}`)
console.log(JSON.stringify(JSON.parse(text), null, 2))
