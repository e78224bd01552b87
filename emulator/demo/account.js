// Account protection on the demo page (docs/account-protection.md): recovery
// codes (shown once, with Copy and Download), recovery without signing in, and
// the security activity. Data from the API goes into the page as text, never HTML.
import { $, action, api, say, user } from './page.js'
import { withStepUp } from './step-up.js'

// Recovery codes: afterwards the API tells only how many are left, and when they were made.

/** The recovery codes on screen, kept only until the user hides them. */
let shownCodes = []

const when = (iso) => new Date(iso).toLocaleString()

export async function refreshRecoveryCodes() {
  const { remaining, created_at: createdAt } = await api('GET', '/mfa_recovery_codes')
  $('recovery-status').textContent =
    createdAt === null ? 'No recovery codes yet.' : `${remaining} remaining, created at ${when(createdAt)}`
  $('create-codes').textContent = createdAt === null ? 'Create recovery codes' : 'Replace them with new codes'
}

const createCodes = action(async () => {
  const { recovery_codes: codes } = await withStepUp('Creating recovery codes', (code) =>
    api('POST', '/mfa_recovery_codes', { body: code ? { verification_code: code } : {} }),
  )
  shownCodes = codes
  $('codes').replaceChildren(...codes.map((c) => Object.assign(document.createElement('li'), { textContent: c })))
  $('new-codes').hidden = false
  await Promise.all([refreshRecoveryCodes(), refreshEvents()])
  say('Ten new recovery codes; any earlier ones no longer work. Save these now.')
  $('copy-codes').focus()
})

export function hideCodes() {
  shownCodes = []
  $('codes').replaceChildren()
  $('new-codes').hidden = true
}

/** The codes as a small text file: who they are for, then one code a line. */
function codesText() {
  const who = user().email || user().sign_in_id
  return `Recovery codes for ${who}. Each one works once.\n\n${shownCodes.join('\n')}\n`
}

const copyCodes = action(async () => {
  // Only secure contexts (https, localhost, 127.0.0.1) have the async clipboard.
  if (!navigator.clipboard) throw { code: 'clipboard_unavailable', error: 'No clipboard here; use Download.' }
  await navigator.clipboard.writeText(codesText())
  say('The recovery codes are on the clipboard.')
})

function downloadCodes() {
  const url = URL.createObjectURL(new Blob([codesText()], { type: 'text/plain' }))
  const link = Object.assign(document.createElement('a'), { href: url, download: 'recovery-codes.txt' })
  document.body.append(link)
  link.click()
  link.remove()
  // Revoked once the browser has started the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
  say('The recovery codes are downloading as recovery-codes.txt.')
}

// No bearer: the code itself says whose MFA to turn off.
const recover = (afterRecover) =>
  action(async () => {
    const { message } = await api('POST', '/mfa_recover', {
      signedIn: false,
      body: { recovery_code: $('recovery-code').value.trim() },
    })
    $('recovery-code').value = ''
    await afterRecover()
    say(message)
  })

// Security activity: what GET /mfa_events answers, newest first.

function eventRow(event) {
  // Repeats within a day share an entry: its count says how many.
  const type = Object.assign(document.createElement('code'), {
    textContent: event.count > 1 ? `${event.type} ×${event.count}` : event.type,
  })
  const at = Object.assign(document.createElement('time'), { dateTime: event.at, textContent: when(event.at) })
  const cells = [type, at, event.country ?? '—', event.user_agent ?? '—'].map((content) => {
    const cell = document.createElement('td')
    cell.append(content)
    return cell
  })
  const row = document.createElement('tr')
  row.append(...cells)
  return row
}

export async function refreshEvents() {
  const { events } = await api('GET', '/mfa_events')
  $('events').replaceChildren(...events.map(eventRow))
  $('no-events').hidden = events.length > 0
}

/** Wires the panels; `afterRecover` refreshes the page once a code turned MFA off. */
export function wireAccount({ afterRecover }) {
  $('create-codes').addEventListener('click', createCodes)
  $('copy-codes').addEventListener('click', copyCodes)
  $('download-codes').addEventListener('click', downloadCodes)
  $('hide-codes').addEventListener('click', hideCodes)
  $('recover-form').addEventListener('submit', recover(afterRecover))
  $('refresh-events').addEventListener('click', action(refreshEvents))
}
