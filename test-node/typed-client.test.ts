/**
 * The typed client as an SPA gets it: the example of docs/spa-guide.md ("The typed client"),
 * compiled as written in a project of its own that has this package and `hono` in node_modules
 * and a browser's tsconfig (the DOM, no Workers types, no skipLibCheck). So the documented
 * import, `saasus-mfa-edge/client` (package.json `exports`), resolves and the example typechecks.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')

/** A browser project's settings, as an SPA's own tsconfig has them. */
const SPA_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'Bundler',
    lib: ['DOM', 'ES2022'],
    types: [],
    strict: true,
    skipLibCheck: false,
    noEmit: true,
  },
  include: ['src'],
}

/** The TypeScript block of the guide's typed client section. */
function documentedExample(): string {
  const guide = readFileSync(join(ROOT, 'docs', 'spa-guide.md'), 'utf8')
  const section = /^## The typed client\n([\s\S]*?)(?=^## )/m.exec(guide)?.[1]
  const example = section && /^```ts\n([\s\S]*?)^```$/m.exec(section)?.[1]
  if (!example) throw new Error('docs/spa-guide.md: no ```ts block under "## The typed client"')
  return example
}

const projects: string[] = []
afterAll(() => {
  for (const project of projects) rmSync(project, { recursive: true, force: true })
})

/** Compiles `source` as an SPA's src/api.ts; resolves to tsc's exit status and output. */
function compileInSpa(source: string): { status: number | null; output: string } {
  const project = mkdtempSync(join(tmpdir(), 'saasus-mfa-edge-spa-'))
  projects.push(project)
  mkdirSync(join(project, 'src'))
  mkdirSync(join(project, 'node_modules'))
  // This package as the SPA installs it, and the SPA's own `hono` for `hono/client`.
  symlinkSync(ROOT, join(project, 'node_modules', 'saasus-mfa-edge'), 'dir')
  symlinkSync(join(ROOT, 'node_modules', 'hono'), join(project, 'node_modules', 'hono'), 'dir')
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(SPA_TSCONFIG, null, 2))
  writeFileSync(join(project, 'src', 'api.ts'), source)
  const result = spawnSync(process.execPath, [TSC, '--noEmit', '-p', project], { encoding: 'utf8', timeout: 60_000 })
  return { status: result.status, output: `${result.stdout}${result.stderr}` }
}

describe('saasus-mfa-edge/client in an SPA', () => {
  it("compiles the guide's example with no errors", () => {
    const { status, output } = compileInSpa(documentedExample())
    expect(output).toBe('')
    expect(status).toBe(0)
  }, 60_000)

  it('refuses a misspelt request field, so the types are not `any`', () => {
    const misspelt = documentedExample().replace('{ verification_code:', '{ verificationCode:')
    const { status, output } = compileInSpa(misspelt)
    expect(output).toContain("'verificationCode' does not exist")
    expect(status).not.toBe(0)
  }, 60_000)
})
