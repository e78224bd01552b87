/**
 * Worker sources in a Node script. They import without file extensions, which
 * Node's type stripping does not resolve, so they are bundled with esbuild first
 * and the bundle is imported from memory.
 */
import { buildSync } from 'esbuild'
import { ROOT } from './wrangler-local.ts'

/**
 * Bundles a module given as source text (its imports resolved from the project
 * root) and imports it.
 *
 * @example
 * const { buildOpenApiDocument } = await importBundled<typeof import('../src/core/openapi/document.ts')>(
 *   "export { buildOpenApiDocument } from './src/core/openapi/document.ts'",
 * )
 */
export async function importBundled<T>(source: string): Promise<T> {
  const bundle = buildSync({
    stdin: { contents: source, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    // Packages that only name `main` (standardwebhooks, CommonJS) resolve as a Worker's build resolves them.
    mainFields: ['module', 'main'],
    write: false,
    logLevel: 'error',
  })
  const code = bundle.outputFiles[0]?.text ?? ''
  return (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as T
}
