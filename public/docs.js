// The interactive API reference (served at /docs): reads /openapi.json from its own
// origin, lists every operation with its parameters and errors, and sends requests
// with the tokens typed in at the top. The document's descriptions are Markdown;
// they are rendered by building elements, and no text from it is ever parsed as HTML.
const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props)
  node.append(...children)
  return node
}
const show = (value) => JSON.stringify(value, null, 2)

// Markdown: the subset the descriptions use (inline code, bold and italics, links,
// autolinks, paragraphs, lists). Our own because a library would outweigh the page and
// would hand back HTML to sanitise; this one only ever creates elements and text nodes.

/** The address a link may go to, resolved against the page, or null: http(s) and relative only. */
function safeHref(raw) {
  try {
    const url = new URL(raw, document.baseURI)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null
  } catch {
    return null
  }
}

const WORD_CHAR = /[\p{L}\p{N}]/u
const INLINE_RULES = [
  // `code`: its content is text, never parsed further.
  [/^(`+)(?!`)([\s\S]*?[^`])\1(?!`)/, (m) => el('code', { textContent: m[2].replace(/^ ([\s\S]*) $/, '$1') })],
  // [text](address "title")
  [
    /^\[((?:[^[\]]|\[[^\]]*\])*)\]\(\s*<?([^\s<>()]*(?:\([^\s<>()]*\)[^\s<>()]*)*)>?(?:\s+"([^"]*)")?\s*\)/,
    (m) => link(m[2], inline(m[1]), m[3]),
  ],
  // <https://…>
  [/^<(https?:\/\/[^\s<>]+)>/, (m) => link(m[1], [m[1]])],
  // **strong** or __strong__
  [/^(\*\*|__)(?=\S)([\s\S]*?\S)\1/, (m) => el('strong', {}, ...inline(m[2]))],
  // *emphasis* or _emphasis_
  [/^([*_])(?=[^\s*_])([\s\S]*?[^\s\\])\1/, (m) => el('em', {}, ...inline(m[2]))],
]

/** A link if its address is safe; otherwise its text alone. */
function link(raw, children, title) {
  const href = safeHref(raw)
  if (!href) return el('span', {}, ...children)
  const a = el('a', { href }, ...children)
  if (title) a.title = title
  if (new URL(href).origin !== location.origin) a.rel = 'noopener noreferrer'
  return a
}

/** The inline element that starts at text[i], and its length, or null. */
function inlineAt(text, i) {
  const rest = text.slice(i)
  for (const [pattern, build] of INLINE_RULES) {
    const match = pattern.exec(rest)
    if (!match) continue
    // An underscore inside a word (snake_case) is a letter, not emphasis.
    const end = i + match[0].length
    if (text[i] === '_' && (WORD_CHAR.test(text[i - 1] ?? '') || WORD_CHAR.test(text[end] ?? ''))) continue
    return [build(match), match[0].length]
  }
  return null
}

/** Inline Markdown as nodes. */
function inline(text) {
  const nodes = []
  let plain = ''
  let i = 0
  while (i < text.length) {
    if (text[i] === '\\' && /[!-/:-@[-`{-~]/.test(text[i + 1] ?? '')) {
      plain += text[i + 1]
      i += 2
      continue
    }
    const found = '`[<*_'.includes(text[i]) ? inlineAt(text, i) : null
    if (found) {
      if (plain) nodes.push(document.createTextNode(plain))
      plain = ''
      nodes.push(found[0])
      i += found[1]
    } else {
      plain += text[i]
      i += 1
    }
  }
  if (plain) nodes.push(document.createTextNode(plain))
  return nodes
}

const LIST_ITEM = /^ {0,3}(?:([-*+])|(\d{1,9})[.)])\s+(.*)$/

/** Block Markdown (paragraphs and lists) as elements. */
function blocks(text) {
  const out = []
  let paragraph = null
  let list = null
  let item = null
  const close = () => {
    if (paragraph) out.push(el('p', {}, ...inline(paragraph.join('\n'))))
    if (item) list.append(el('li', {}, ...inline(item.join('\n'))))
    paragraph = item = null
  }
  for (const line of String(text).replace(/\r\n?/g, '\n').split('\n')) {
    const listItem = LIST_ITEM.exec(line)
    if (!line.trim()) {
      close()
    } else if (listItem) {
      const tag = listItem[1] ? 'ul' : 'ol'
      close()
      if (list?.tagName.toLowerCase() !== tag) {
        list = el(tag)
        if (tag === 'ol' && listItem[2] !== '1') list.start = Number(listItem[2])
        out.push(list)
      }
      item = [listItem[3]]
    } else if (item) {
      item.push(line.trim())
    } else {
      list = null
      paragraph ??= []
      paragraph.push(line.trim())
    }
  }
  close()
  return out
}

/** Markdown as nodes to put inside an element: one paragraph unwrapped, anything else as blocks. */
function markdown(text) {
  const nodes = blocks(text)
  return nodes.length === 1 && nodes[0].tagName === 'P' ? [...nodes[0].childNodes] : nodes
}

// The page.

/** The header a security requirement asks for, as a parameter: `Authorization: Bearer …`. */
function securityHeader(doc, requirement) {
  const scheme = doc.components.securitySchemes?.[Object.keys(requirement)[0]]
  if (scheme?.type !== 'http' || scheme.scheme !== 'bearer') return []
  const description = `\`Bearer …\`${scheme.description ? `: ${scheme.description}` : ''}`
  return [{ name: 'Authorization', in: 'header', required: true, description }]
}

/** An operation's parameters, `$ref`s resolved, the bearer token first when it needs one. */
function parametersOf(doc, operation) {
  const security = operation.security?.length ? securityHeader(doc, operation.security[0]) : []
  const listed = (operation.parameters || []).map((p) =>
    p.$ref ? doc.components.parameters[p.$ref.slice('#/components/parameters/'.length)] : p,
  )
  return [...security, ...listed]
}

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

function parameterList(parameters) {
  const list = el('ul', { className: 'parameters' })
  for (const p of parameters) {
    const description = p.description ?? p.schema?.description
    list.append(
      el(
        'li',
        {},
        el('code', { textContent: p.name }),
        ` (${p.in}${p.required ? ', required' : ''})`,
        ...(description ? [': ', ...markdown(description)] : []),
      ),
    )
  }
  return list
}

function render(doc) {
  const summary = document.getElementById('summary')
  summary.textContent = ''
  summary.append(
    el('p', {}, ...inline(doc.info.summary ?? ''), ` (version ${doc.info.version}).`),
    ...(doc.info.description ? blocks(doc.info.description) : []),
  )
  const list = document.getElementById('operations')
  list.textContent = ''
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const output = el('pre', { hidden: true })
      const body = operation.requestBody
        ? el('textarea', { rows: 2, value: show(operation.requestBody.content['application/json'].example) })
        : null
      const parameters = parametersOf(doc, operation)
      const responses = el('ul')
      for (const [status, response] of Object.entries(operation.responses)) {
        responses.append(el('li', {}, el('code', { textContent: status }), ' ', ...markdown(response.description)))
      }
      const button = el('button', { type: 'button', textContent: 'Send' })
      button.addEventListener('click', () => send(path, method, operation, body, output))
      list.append(
        el(
          'section',
          { id: operation.operationId },
          el('h2', {}, el('span', { className: 'method', textContent: method }), el('code', { textContent: path })),
          el('p', { className: 'summary' }, ...inline(operation.summary ?? '')),
          ...(operation.description ? blocks(operation.description) : []),
          ...(parameters.length
            ? [el('p', { className: 'label', textContent: 'Parameters' }), parameterList(parameters)]
            : []),
          ...(body ? [el('label', { textContent: 'JSON body' }, body)] : []),
          button,
          el('details', {}, el('summary', { textContent: 'Responses' }), responses),
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
