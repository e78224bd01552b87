// Step-up (MFA_STEP_UP=required, docs/account-protection.md): a risky change the
// API answers with `403 step_up_required` is sent again with a current code of
// the user's authenticator, asked for in the page's own prompt.
import { $, CANCELLED, showError } from './page.js'

// The API locks the user out after 5 wrong codes in a row; asking more often than that is pointless.
const MAX_PROMPTS = 6
let pending

/** Shows the prompt and resolves with the code the user enters (rejects with CANCELLED). */
function askForCode(what) {
  $('step-up-reason').textContent = `${what} needs a current code from your authenticator app.`
  $('step-up-code').value = ''
  $('step-up-panel').hidden = false
  $('step-up-code').focus()
  return new Promise((resolve, reject) => {
    pending = { resolve, reject }
  })
}

/** Closes the prompt; an action waiting for a code ends as cancelled. */
export function cancelStepUp() {
  $('step-up-panel').hidden = true
  pending?.reject(CANCELLED)
  pending = undefined
}

/**
 * Sends a change with `send(undefined)`; if the API asks for step-up, asks for a code
 * and sends it with `send(code)`, asking again after a wrong one. Any other failure
 * (a lockout's `too_many_attempts` with its Retry-After, say) ends it and is thrown.
 * @example await withStepUp('Turning MFA off', (code) => api('POST', '/mfa_disable', { body: { verification_code: code } }))
 */
export async function withStepUp(what, send) {
  try {
    return await send(undefined)
  } catch (failure) {
    if (failure?.code !== 'step_up_required') throw failure
  }
  try {
    for (let prompt = 1; ; prompt++) {
      const code = await askForCode(what)
      try {
        return await send(code)
      } catch (failure) {
        if (failure?.code !== 'invalid_verification_code' || prompt >= MAX_PROMPTS) throw failure
        showError(failure)
      }
    }
  } finally {
    $('step-up-panel').hidden = true
  }
}

$('step-up-form').addEventListener('submit', (event) => {
  event.preventDefault()
  pending?.resolve($('step-up-code').value.trim())
  pending = undefined
})
$('step-up-cancel').addEventListener('click', cancelStepUp)
