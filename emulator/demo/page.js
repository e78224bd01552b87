// What every part of the demo page shares: the API call with the sample SPA's
// headers, and showing an action's outcome. Errors are shown by the API's stable
// `code`; a failed fetch (network or CORS) has no code of its own.
export const $ = (id) => document.getElementById(id)
/** Where the API is and the users to sign in as; set once by demo.js. */
export const session = { apiUrl: '', users: [] }

/** Thrown when the user cancels an action midway (the step-up prompt). */
export const CANCELLED = Symbol('cancelled')

export function user() {
  return session.users[Number($('user').value)]
}

export async function api(method, path, { accessToken = false, signedIn = true, body, headers: extra = {} } = {}) {
  const headers = {
    'X-Requested-With': 'XMLHttpRequest',
    'X-SaaSus-Referer': `/user?action=${path.slice(1)}`,
    ...extra,
  }
  if (signedIn) headers.Authorization = `Bearer ${user().id_token}`
  if (accessToken) headers['X-Access-Token'] = user().access_token
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  let res
  try {
    res = await fetch(session.apiUrl + path, {
      method,
      headers,
      credentials: 'include',
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch {
    throw { code: 'network_error', error: 'The API could not be reached, or it refused this origin (CORS).' }
  }
  const json = await res.json().catch(() => ({}))
  if (!res.ok) {
    // Exposed by the API's CORS answer, so a cross-origin page can read it: when a 429 may be retried.
    const retryAfter = Number(res.headers.get('Retry-After')) || undefined
    throw { code: json.code ?? `http_${res.status}`, error: json.error ?? res.statusText, retryAfter }
  }
  return json
}

export function showError(failure) {
  $('error-code').textContent = failure.code
  $('error-text').textContent = failure.error
  $('error-retry').textContent = failure.retryAfter ? `(wait ${failure.retryAfter} seconds)` : ''
  $('error').hidden = false
  $('message').textContent = ''
}

export function say(text) {
  $('error').hidden = true
  $('message').textContent = text
}

/** Runs one user action, showing its failure by code. */
export function action(run) {
  return async (event) => {
    event?.preventDefault()
    try {
      await run()
    } catch (failure) {
      if (failure === CANCELLED) say('Cancelled: nothing was changed.')
      else if (failure && typeof failure.code === 'string') showError(failure)
      else showError({ code: 'demo_error', error: String(failure) })
    }
  }
}
