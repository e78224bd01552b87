/**
 * The interactive API reference: one self-contained page (no CDN, no build) that
 * reads /openapi.json from its own origin, lists every operation with its errors,
 * and sends a request with the tokens typed in at the top. Works offline.
 * Everything from the document is inserted as text, never as HTML.
 */
export const REFERENCE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>saasus-mfa-edge API reference</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1d2430; }
  code, pre, textarea, input { font: 13px/1.4 ui-monospace, monospace; }
  section { border: 1px solid #d5dae1; border-radius: 6px; padding: .75rem 1rem; margin: 1rem 0; }
  h2 { font-size: 1rem; margin: 0 0 .25rem; }
  .method { display: inline-block; min-width: 3.5rem; font-weight: 700; color: #0b6bcb; text-transform: uppercase; }
  label { display: block; margin: .25rem 0; }
  input, textarea { width: 100%; box-sizing: border-box; }
  pre { background: #f4f6f8; padding: .5rem; overflow: auto; max-height: 20rem; white-space: pre-wrap; word-break: break-all; }
  ul { margin: .25rem 0; padding-left: 1.25rem; }
</style>
</head>
<body>
<h1>saasus-mfa-edge API reference</h1>
<p id="summary"></p>
<p>Document: <a href="openapi.json">openapi.json</a> (OpenAPI 3.1). Requests below go to this origin.</p>
<label>ID token (<code>Authorization: Bearer …</code>) <input id="idToken" autocomplete="off"></label>
<label>Access token (<code>X-Access-Token</code>) <input id="accessToken" autocomplete="off"></label>
<div id="operations">Loading…</div>
<script>
const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props)
  node.append(...children)
  return node
}
const show = (value) => JSON.stringify(value, null, 2)

async function send(path, method, operation, bodyInput, output) {
  const headers = {}
  const idToken = document.getElementById('idToken').value.trim()
  const accessToken = document.getElementById('accessToken').value.trim()
  if (operation.security && operation.security.length && idToken) headers.Authorization = 'Bearer ' + idToken
  if (accessToken && (operation.parameters || []).some((p) => p.$ref === '#/components/parameters/AccessToken')) {
    headers['X-Access-Token'] = accessToken
  }
  const init = { method: method.toUpperCase(), headers }
  if (bodyInput && bodyInput.value.trim()) {
    headers['Content-Type'] = 'application/json'
    init.body = bodyInput.value
  }
  output.hidden = false
  output.textContent = 'Sending…'
  try {
    const res = await fetch(path.replace(/^\\//, ''), init)
    const text = await res.text()
    let body = text
    try { body = show(JSON.parse(text)) } catch {}
    output.textContent = res.status + ' ' + res.statusText + '\\n' + body
  } catch (error) {
    output.textContent = 'Network error: ' + error.message
  }
}

function render(doc) {
  document.getElementById('summary').textContent = doc.info.summary + ' (version ' + doc.info.version + '). ' + doc.info.description
  const list = document.getElementById('operations')
  list.textContent = ''
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const output = el('pre', { hidden: true })
      const body = operation.requestBody
        ? el('textarea', { rows: 2, value: show(operation.requestBody.content['application/json'].example) })
        : null
      const errors = el('ul')
      for (const [status, response] of Object.entries(operation.responses)) {
        errors.append(el('li', {}, el('code', { textContent: status }), ' ', response.description.replace(/\\n\\n/g, '; ')))
      }
      const button = el('button', { type: 'button', textContent: 'Send' })
      button.addEventListener('click', () => send(path, method, operation, body, output))
      list.append(
        el(
          'section',
          { id: operation.operationId },
          el('h2', {}, el('span', { className: 'method', textContent: method }), el('code', { textContent: path })),
          el('p', { textContent: operation.summary + (operation.description ? '. ' + operation.description : '') }),
          ...(body ? [el('label', { textContent: 'JSON body' }, body)] : []),
          button,
          el('details', {}, el('summary', { textContent: 'Responses' }), errors),
          output,
        ),
      )
    }
  }
}

fetch('openapi.json')
  .then((res) => res.json())
  .then(render)
  .catch((error) => { document.getElementById('operations').textContent = 'Could not load openapi.json: ' + error.message })
</script>
</body>
</html>
`
