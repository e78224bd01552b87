/**
 * The served document (public/openapi.json, which test/routes/openapi.test.ts
 * proves is what /openapi.json answers) is valid OpenAPI 3.1, by the official
 * JSON Schema of the specification, as bundled by @seriousme/openapi-schema-validator.
 * It runs in Node: the validator compiles schemas with ajv, which workerd forbids.
 */
import { readFileSync } from 'node:fs'
import { Validator } from '@seriousme/openapi-schema-validator'
import { describe, expect, it } from 'vitest'

const document = JSON.parse(readFileSync(new URL('../public/openapi.json', import.meta.url), 'utf8'))

describe('public/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator()
    const result = await validator.validate(document)
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    expect(validator.version).toBe('3.1')
  })

  it('resolves every $ref it makes', async () => {
    const validator = new Validator()
    await validator.validate(document)
    expect(() => validator.resolveRefs()).not.toThrow()
  })
})
