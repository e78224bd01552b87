// The SPA side of authenticator-app MFA, in plain JavaScript: the same calls,
// headers and order as the SaaSus sample SPA's MFA dialog. Errors are shown by
// the API's stable `code`; a failed fetch (network or CORS) has no code of its own.
const $ = (id) => document.getElementById(id)
let apiUrl = ''
let users = []
let enabled = false

function user() {
  return users[Number($('user').value)]
}

async function api(method, path, { accessToken = false, body } = {}) {
  const headers = {
    Authorization: `Bearer ${user().id_token}`,
    'X-Requested-With': 'XMLHttpRequest',
    'X-SaaSus-Referer': `/user?action=${path.slice(1)}`,
  }
  if (accessToken) headers['X-Access-Token'] = user().access_token
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  let res
  try {
    res = await fetch(apiUrl + path, {
      method,
      headers,
      credentials: 'include',
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch {
    throw { code: 'network_error', error: 'The API could not be reached, or it refused this origin (CORS).' }
  }
  const json = await res.json().catch(() => ({}))
  if (!res.ok) throw { code: json.code ?? `http_${res.status}`, error: json.error ?? res.statusText }
  return json
}

function showError(failure) {
  $('error-code').textContent = failure.code
  $('error-text').textContent = failure.error
  $('error').hidden = false
  $('message').textContent = ''
}

function say(text) {
  $('error').hidden = true
  $('message').textContent = text
}

/** Runs one user action, showing its failure by code. */
function action(run) {
  return async (event) => {
    event?.preventDefault()
    try {
      await run()
    } catch (failure) {
      if (failure && typeof failure.code === 'string') showError(failure)
      else showError({ code: 'demo_error', error: String(failure) })
    }
  }
}

async function refreshStatus() {
  const status = await api('GET', '/mfa_status')
  enabled = status.enabled
  $('status').textContent = enabled ? `on (${status.method ?? 'method not reported'})` : 'off'
  $('status').className = enabled ? 'on' : 'off'
  $('setup').textContent = enabled ? 'Re-register a device' : 'Add an authenticator'
  $('disable').hidden = !enabled
}

const startSetup = action(async () => {
  const setup = await api('GET', '/mfa_setup', { accessToken: true })
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
  await refreshStatus()
  say('Authenticator registered: MFA is on.')
})

const disable = action(async () => {
  await api('POST', '/mfa_disable', { body: {} })
  await refreshStatus()
  say('MFA is off.')
})

const switchUser = action(async () => {
  $('setup-panel').hidden = true
  say('')
  await refreshStatus()
})

action(async () => {
  const config = await (await fetch('/_emulator/demo-config')).json()
  apiUrl = new URLSearchParams(location.search).get('api') ?? config.apiUrl
  $('api-url').textContent = apiUrl
  users = await (await fetch('/_emulator/users')).json()
  $('user').replaceChildren(
    ...users.map((u, i) =>
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
  await refreshStatus()
  document.body.dataset.ready = 'true'
})()
