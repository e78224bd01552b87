/**
 * A request to the API's dead-letter routes, signed as an operator's (src/core/webhooks/operator.ts):
 * Standard Webhooks headers, with the webhook secret, over its method, path, query and body. For
 * `npm run webhooks` and the load script's webhook variant.
 */
import { operatorHeaders } from '../src/core/webhooks/operator.ts'

export function operatorRequest(
  api: string | URL,
  secret: string,
  method: 'GET' | 'POST',
  pathAndQuery: string,
  body = '',
): Promise<Response> {
  // Signed as the API reads it: a bare `?` or a `./` is gone from the URL that is sent.
  const url = new URL(pathAndQuery, api)
  const headers: Record<string, string> = operatorHeaders(secret, {
    method,
    pathAndQuery: url.pathname + url.search,
    body,
  })
  if (body) headers['Content-Type'] = 'application/json'
  return fetch(url, {
    method,
    headers,
    ...(body ? { body } : {}),
    signal: AbortSignal.timeout(30_000),
  })
}

export interface DeadLetterPage {
  depth: number
  next_cursor: string | null
  dead_letters: { webhook_id: string; dead_at: string; deaths: number; replayable: boolean; body: string }[]
}

/** Every dead letter, a page of 100 at a time along next_cursor (at most `pages` pages). */
export async function allDeadLetters(api: string | URL, secret: string, pages = 1_000): Promise<DeadLetterPage> {
  const all: DeadLetterPage = { depth: 0, next_cursor: null, dead_letters: [] }
  let cursor: string | null = null
  for (let page = 0; page < pages; page++) {
    const path = `/webhooks/dead_letters?limit=100${cursor ? `&cursor=${cursor}` : ''}`
    const res = await operatorRequest(api, secret, 'GET', path)
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`)
    const body = (await res.json()) as DeadLetterPage
    all.depth = body.depth
    all.dead_letters.push(...body.dead_letters)
    cursor = body.next_cursor
    if (cursor === null) break
  }
  return all
}
