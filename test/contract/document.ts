/**
 * The served document (public/openapi.json, which test/routes/openapi.test.ts proves is what
 * /openapi.json answers) as the contract tests read it: its operations, its schemas with their
 * references inlined, and the one check of an answer against what it says.
 */
import { Validator } from '@cfworker/json-schema'
import committed from '../../public/openapi.json'

// biome-ignore lint/suspicious/noExplicitAny: a walk through a JSON document whose shape the checks assert
export type Json = Record<string, any>

export const doc = committed as Json

export interface Operation {
  method: string
  /** OpenAPI's path, `{name}` for a parameter. */
  path: string
  operation: Json
}

export const operations: Operation[] = Object.entries(doc.paths as Json).flatMap(([path, item]) =>
  Object.entries(item as Json).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
)

/** OpenAPI's path with each `{name}` filled in from `values`, encoded as one path segment. */
export function pathOf(path: string, values: Readonly<Record<string, string>>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name]
    if (value === undefined) throw new Error(`no value for the path parameter ${name} of ${path}`)
    return encodeURIComponent(value)
  })
}

/** Inlines `#/components/...` references, so each schema validates on its own. */
export function resolve(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(resolve)
  if (typeof node !== 'object' || node === null) return node
  const { $ref, ...rest } = node as Json
  if (typeof $ref === 'string') {
    const target = $ref
      .replace(/^#\//, '')
      .split('/')
      .reduce((at: Json, key) => at[key], doc)
    return resolve({ ...target, ...rest })
  }
  return Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, resolve(value)]))
}

/** What a JSON Schema 2020-12 validator finds wrong with a value: nothing when it validates. */
export function schemaErrors(schema: unknown, value: unknown): string[] {
  return new Validator(resolve(schema) as Json, '2020-12', false)
    .validate(value)
    .errors.map((error) => `${error.instanceLocation}: ${error.error}`)
}

/**
 * The response headers the document must declare wherever they are sent, each with the values it
 * takes: the bearer challenge (RFC 6750), when to retry (RFC 9110 §10.2.3), a path's methods (§10.2.1).
 */
export const DECLARED_HEADERS = ['WWW-Authenticate', 'Retry-After', 'Allow'] as const

export interface Reading {
  /** What the answer breaks of its documented response: nothing when it is as documented. */
  breaches: string[]
  /** The JSON body, if it was one. */
  body: Json | undefined
}

/**
 * An answer read against its documented response (a response object of the document): an
 * undeclared or off-schema header among DECLARED_HEADERS, a required header missing, a body that
 * is not JSON or not of its schema are breaches.
 */
export async function readAnswer(res: Response, documented: Json, method = 'GET'): Promise<Reading> {
  const found: string[] = []
  const response = resolve(documented) as Json
  const headers = (response.headers ?? {}) as Json
  const declared = new Map(Object.entries(headers).map(([name, header]) => [name.toLowerCase(), header as Json]))
  for (const name of DECLARED_HEADERS) {
    const value = res.headers.get(name)
    if (value === null) continue
    const header = declared.get(name.toLowerCase())
    if (!header) found.push(`sends ${name}: ${value}, which the document does not declare for ${res.status}`)
    else for (const error of schemaErrors(header.schema, value)) found.push(`${name}: ${value} breaks ${error}`)
  }
  for (const [name, header] of Object.entries(headers)) {
    if ((header as Json).required && !res.headers.has(name)) found.push(`${res.status} without required ${name}`)
  }
  if (method === 'HEAD') return { breaches: found, body: undefined }
  const content = response.content?.['application/json']
  if (!content) return { breaches: [...found, `${res.status} documents no JSON body`], body: undefined }
  const text = await res.text()
  let body: Json
  try {
    body = JSON.parse(text)
  } catch {
    return { breaches: [...found, `${res.status} body is not JSON: ${text.slice(0, 80)}`], body: undefined }
  }
  if (!res.headers.get('Content-Type')?.startsWith('application/json')) {
    found.push(`${res.status} is ${res.headers.get('Content-Type')}, not JSON`)
  }
  for (const error of schemaErrors(content.schema, body)) found.push(`body ${text.slice(0, 160)} breaks ${error}`)
  return { breaches: found, body }
}
