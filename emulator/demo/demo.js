// The SPA side of authenticator-app MFA, in plain JavaScript modules: the same
// calls, headers and order as the SaaSus sample SPA's MFA dialog (page.js), plus
// account protection: step-up (step-up.js), recovery codes and activity (account.js),
// and a tenant's MFA policy: the member's notice here, the admin view (tenant.js).
import { hideCodes, refreshEvents, refreshRecoveryCodes, wireAccount } from './account.js'
import { $, action, api, say, session, user } from './page.js'
import { cancelStepUp, withStepUp } from './step-up.js'
import { hideTenants, refreshTenants, wireTenants } from './tenant.js'

let enabled = false

function showStatus(status) {
  enabled = status.enabled
  $('status').textContent = enabled ? `on (${status.method ?? 'method not reported'})` : 'off'
  $('status').className = enabled ? 'on' : 'off'
  $('setup').textContent = enabled ? 'Re-register a device' : 'Add an authenticator'
  $('disable').hidden = !enabled
  $('recovery-panel').hidden = !enabled
  // Turning MFA off deletes the codes: none on screen may still look usable.
  if (!enabled) hideCodes()
  showRequirement(status)
}

/** A tenant's requirement, while the user's MFA is off: by when to turn it on. */
function showRequirement({ enabled, required, enroll_by: enrollBy }) {
  $('required-notice').hidden = !required || enabled
  if (!required || enabled) return
  const by = $('enroll-by')
  by.dateTime = enrollBy ?? ''
  by.textContent = enrollBy
    ? new Date(enrollBy).toLocaleString(undefined, { dateStyle: 'long', timeStyle: 'short' })
    : 'as soon as you can'
  const overdue = enrollBy !== null && Date.parse(enrollBy) <= Date.now()
  $('enroll-overdue').textContent = overdue ? ' (overdue)' : ''
  $('required-notice').classList.toggle('overdue', overdue)
}

const refreshStatus = async () => showStatus(await api('GET', '/mfa_status'))

/**
 * Status, recovery codes, activity and admin view of the signed-in user, asked for at once. The
 * status is shown last: it then changes in the same task as the message an action shows after it.
 * `body[data-user]` then names whose page this is (the tests wait for it).
 */
async function refreshAll() {
  const [status] = await Promise.all([
    api('GET', '/mfa_status'),
    refreshRecoveryCodes(),
    refreshEvents(),
    refreshTenants(),
  ])
  showStatus(status)
  document.body.dataset.user = user().id
}

const startSetup = action(async () => {
  // A new authenticator while MFA is on may need step-up, sent as a header (a GET has no body).
  const setup = await withStepUp('Replacing your authenticator', (code) =>
    api('GET', '/mfa_setup', { accessToken: true, headers: code ? { 'X-Verification-Code': code } : {} }),
  )
  // As an image, never as HTML: an image cannot run script.
  $('qr').src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(setup.qrCodeSvg)}`
  $('secret').textContent = setup.secret.replace(/(.{4})/g, '$1 ').trim()
  $('code').value = ''
  $('setup-panel').hidden = false
  say('')
  $('code').focus()
})

const verifyAndEnable = action(async () => {
  await api('POST', '/mfa_verify', { accessToken: true, body: { verification_code: $('code').value.trim() } })
  await api('POST', '/mfa_enable', { body: {} })
  $('setup-panel').hidden = true
  await refreshAll()
  say('Authenticator registered: MFA is on.')
})

const disable = action(async () => {
  await withStepUp('Turning MFA off', (code) =>
    api('POST', '/mfa_disable', { body: code ? { verification_code: code } : {} }),
  )
  await refreshAll()
  say('MFA is off.')
})

const switchUser = action(async () => {
  delete document.body.dataset.user
  $('setup-panel').hidden = true
  cancelStepUp()
  hideCodes()
  hideTenants()
  say('')
  await refreshAll()
})

action(async () => {
  const config = await (await fetch('/_emulator/demo-config')).json()
  session.apiUrl = new URLSearchParams(location.search).get('api') ?? config.apiUrl
  $('api-url').textContent = session.apiUrl
  session.users = await (await fetch('/_emulator/users')).json()
  $('user').replaceChildren(
    ...session.users.map((u, i) =>
      Object.assign(document.createElement('option'), { value: i, textContent: u.email || u.sign_in_id }),
    ),
  )
  $('user').addEventListener('change', switchUser)
  $('setup').addEventListener('click', startSetup)
  $('disable').addEventListener('click', disable)
  $('cancel').addEventListener('click', () => {
    $('setup-panel').hidden = true
  })
  $('verify-form').addEventListener('submit', verifyAndEnable)
  wireAccount({ afterRecover: refreshAll })
  wireTenants({ afterPolicyChange: refreshStatus })
  await refreshAll()
  document.body.dataset.ready = 'true'
})()
