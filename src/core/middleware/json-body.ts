/**
 * JSON bodies: a body, when there is one, must be declared as JSON and parse as
 * JSON. The routes' zod validators then check its shape. An empty body passes
 * (the sample SPA posts `{}` to enable and disable; other clients post nothing):
 * where the body is optional it is no body, anywhere else the validator refuses it.
 */
import type { MiddlewareHandler } from 'hono'
import { ApiError } from '../../shared/errors'
import { checkJsonBody, declaresJson } from '../../shared/guards'
import type { AppEnv } from '../app-env'
import { documented } from '../openapi/describe'

/** A zod check's result, as `@hono/zod-validator` hands it to its hook (`data`: what was checked). */
interface ValidationResult {
  success: boolean
  data?: unknown
  error?: { issues: readonly { code: string; path: readonly PropertyKey[]; message: string; expected?: string }[] }
}

/** What one zod issue says about the value at its path, in words a developer can act on. */
function problemOf(issue: NonNullable<ValidationResult['error']>['issues'][number], value: unknown): string {
  if (value === undefined) return 'is required'
  if (issue.code === 'invalid_type' && issue.expected === 'int') return 'must be a whole number'
  if (issue.code === 'invalid_type') return `must be a ${issue.expected ?? 'value of another type'}`
  // Our schemas word their own checks ("must be six digits"); zod's defaults say little.
  const worded = ['invalid_format', 'custom', 'too_big', 'too_small', 'not_multiple_of']
  if (worded.includes(issue.code)) return issue.message
  return 'is not valid'
}

/**
 * The hook for `zValidator('json', schema, invalidField)`: `400 invalid_request`
 * naming the first field that failed and what is wrong with it.
 */
export function invalidField(result: ValidationResult): void {
  if (result.success) return
  const issue = result.error?.issues[0]
  if (!issue || issue.path.length === 0) {
    throw new ApiError('invalid_request', {
      cause: result.error,
      field: { name: 'body', problem: 'must be a JSON object' },
    })
  }
  let value: unknown = result.data
  for (const key of issue.path)
    value = typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined
  const field = { name: issue.path.map(String).join('.'), problem: problemOf(issue, value) }
  throw new ApiError('invalid_request', { cause: result.error, field })
}

export const jsonBody = (): MiddlewareHandler<AppEnv> =>
  documented(
    async function jsonBodyHandler(c, next) {
      const contentType = c.req.header('Content-Type')
      // Hono caches what is read, so the validator's later c.req.json() reads it again for free. A body
      // declared as something else is read as bytes: workerd warns when .text() meets a non-text type.
      const text = declaresJson(contentType) ? await c.req.text() : new TextDecoder().decode(await c.req.arrayBuffer())
      checkJsonBody(contentType, text)
      await next()
    },
    { errors: ['invalid_json', 'unsupported_media_type'] },
  )

/**
 * The body validator of a route whose body is optional: an empty body is no body, handed on as `{}`;
 * any other is validated, so `null`, `0` or `"AAA"` is `400 invalid_request` as on every route.
 * @example optionalBody(zValidator('json', stepUpRequest, invalidField))
 */
export const optionalBody = (validate: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> =>
  async function optionalBodyHandler(c, next) {
    // `jsonBody` read it first: this is Hono's cached copy.
    if ((await c.req.text()).trim() !== '') return validate(c, next)
    c.req.addValidatedData('json', {})
    await next()
  }
