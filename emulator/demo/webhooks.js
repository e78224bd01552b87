// The security webhooks the emulator's receiver got (emulator/src/webhook-receiver.ts), newest
// first: every attempt, refused signatures too, asked for every 2 s while the page is visible.
// What arrived goes into the page as text, never HTML.
import { $ } from './page.js'

const POLL_MS = 2_000
/** Rows kept on screen; the receiver keeps far more (GET /_emulator/webhooks). */
const MAX_ROWS = 50

/** The receiver's index of the next attempt: asked for with `?since=`, so each poll brings only new ones. */
let next = 0
let timer
let polling = false

const short = (id) => (typeof id === 'string' && id.length > 8 ? `${id.slice(0, 8)}…` : (id ?? '—'))

function cell(content, title) {
  const td = document.createElement('td')
  td.append(content)
  if (title) td.title = title
  return td
}

function attemptRow(attempt) {
  const { type, timestamp, data = {} } = attempt.event ?? {}
  const at = timestamp ?? attempt.received_at
  const row = document.createElement('tr')
  row.append(
    cell(Object.assign(document.createElement('code'), { textContent: type ?? '—' })),
    cell(Object.assign(document.createElement('time'), { dateTime: at, textContent: new Date(at).toLocaleString() })),
    cell(short(data.user_id), data.user_id),
    cell(short(data.tenant_id), data.tenant_id),
    cell(attempt.verified ? '✓' : '✗', attempt.verified ? 'signature verified' : 'signature refused'),
    cell(
      Object.assign(document.createElement('code'), { textContent: attempt.webhook_id }),
      `attempt ${attempt.attempt} (${attempt.plan}), answered ${attempt.answered}`,
    ),
  )
  row.className = attempt.verified ? 'verified' : 'refused'
  return row
}

async function poll() {
  const res = await fetch(`/_emulator/webhooks?since=${next}`)
  if (!res.ok) return
  const { attempts, next: after } = await res.json()
  const rows = $('webhook-rows')
  // Fewer than we have seen: the records were cleared (DELETE), so the list starts again.
  if (after < next) {
    rows.replaceChildren()
    next = 0
    return poll()
  }
  next = after
  for (const attempt of attempts) rows.prepend(attemptRow(attempt))
  while (rows.rows.length > MAX_ROWS) rows.lastElementChild.remove()
  $('no-webhooks').hidden = rows.rows.length > 0
}

/** Polls now, then every POLL_MS until the page is hidden; showing it again polls at once. */
async function tick() {
  clearTimeout(timer)
  if (polling || document.visibilityState !== 'visible') return
  polling = true
  try {
    await poll()
  } catch {
    // The emulator restarting: the next tick asks again.
  } finally {
    polling = false
  }
  timer = setTimeout(tick, POLL_MS)
}

$('webhook-url').textContent = `${location.origin}/_emulator/webhooks`
document.addEventListener('visibilitychange', tick)
tick()
