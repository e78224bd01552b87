// The interactive API reference (served at /docs): reads /openapi.json from its own
// origin, lists every operation with its errors, and sends requests with the tokens
// typed in at the top. Everything from the document is inserted as text, never HTML.
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
  if (operation.security?.length && idToken) headers.Authorization = `Bearer ${idToken}`
  if (accessToken && (operation.parameters || []).some((p) => p.$ref === '#/components/parameters/AccessToken')) {
    headers['X-Access-Token'] = accessToken
  }
  const init = { method: method.toUpperCase(), headers }
  if (bodyInput?.value.trim()) {
    headers['Content-Type'] = 'application/json'
    init.body = bodyInput.value
  }
  output.hidden = false
  output.textContent = 'Sending…'
  try {
    const res = await fetch(path.replace(/^\//, ''), init)
    const text = await res.text()
    let body = text
    try {
      body = show(JSON.parse(text))
    } catch {}
    output.textContent = `${res.status} ${res.statusText}\n${body}`
  } catch (error) {
    output.textContent = `Network error: ${error.message}`
  }
}

function render(doc) {
  document.getElementById('summary').textContent =
    `${doc.info.summary} (version ${doc.info.version}). ${doc.info.description}`
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
        errors.append(
          el('li', {}, el('code', { textContent: status }), ' ', response.description.replace(/\n\n/g, '; ')),
        )
      }
      const button = el('button', { type: 'button', textContent: 'Send' })
      button.addEventListener('click', () => send(path, method, operation, body, output))
      list.append(
        el(
          'section',
          { id: operation.operationId },
          el('h2', {}, el('span', { className: 'method', textContent: method }), el('code', { textContent: path })),
          el('p', { textContent: operation.summary + (operation.description ? `. ${operation.description}` : '') }),
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
  .catch((error) => {
    document.getElementById('operations').textContent = `Could not load openapi.json: ${error.message}`
  })
