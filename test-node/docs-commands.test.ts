/**
 * The deploy commands the pages give reach the Worker they are meant for. Two Workers share one
 * folder, so a `wrangler` command that changes or reads a deployed Worker without `-c` acts on the
 * front (wrangler.toml): a secret of the core put there is silently on the wrong Worker, and the
 * core then refuses to deploy or answers `500 misconfigured`. So every such command names its
 * config, and a `wrangler secret put NAME` names the config that declares NAME.
 */
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { OPTIONAL_SECRETS } from '../scripts/dev-settings.ts'
import { everyPage } from '../test-docs/walk.ts'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const PAGES = everyPage(ROOT)
const CONFIGS = ['wrangler.toml', 'wrangler.core.toml']

/**
 * The secrets a config declares (`[secrets] required`), and for the core the optional ones it reads
 * but does not declare (wrangler deploy would refuse to deploy without them: scripts/dev-settings.ts).
 */
function declaredSecrets(config: string): string[] {
  const toml = readFileSync(join(ROOT, config), 'utf8')
  const list = /^\[secrets\][\s\S]*?^required\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1] ?? ''
  const declared = [...list.matchAll(/"(\w+)"/g)].map((match) => match[1] ?? '')
  return config === 'wrangler.core.toml' ? [...declared, ...OPTIONAL_SECRETS] : declared
}

/** Each `npx wrangler <verb>` (the pages' form of a command, prose says `wrangler deploy`) that acts on a deployed Worker. */
function workerCommands(): { where: string; line: string; verb: string }[] {
  return PAGES.flatMap((page) =>
    readFileSync(join(ROOT, page), 'utf8')
      .split('\n')
      .flatMap((line, i) =>
        [...line.matchAll(/npx wrangler (secret (?:put|delete|list)|deploy|tail|rollback|versions)\b[^`|;&#]*/g)].map(
          (match) => ({ where: `${page}:${i + 1}`, line: match[0], verb: match[1] ?? '' }),
        ),
      ),
  )
}

describe('the pages’ wrangler commands name their Worker', () => {
  const commands = workerCommands()

  it('finds the deploy commands to check', () => {
    expect(commands.filter((command) => command.verb === 'secret put').length).toBeGreaterThanOrEqual(4)
  })

  it('every command acting on a deployed Worker names its config with -c', () => {
    const unnamed = commands.filter((command) => !/(^|\s)(-c|--config)\s+wrangler(\.core)?\.toml\b/.test(command.line))
    expect(unnamed.map((command) => `${command.where}: ${command.line}`)).toEqual([])
  })

  it('every wrangler secret put names the config that declares the secret', () => {
    const misplaced = commands
      .filter((command) => command.verb === 'secret put')
      .flatMap((command) => {
        const name = /secret put (\w+)/.exec(command.line)?.[1] ?? ''
        const config = /(?:-c|--config)\s+(\S+)/.exec(command.line)?.[1] ?? 'wrangler.toml'
        const declares = CONFIGS.filter((candidate) => declaredSecrets(candidate).includes(name))
        if (name === 'NAME') return [] // the placeholder of docs/configuration.md
        return declares.includes(config) ? [] : [`${command.where}: ${name} goes to ${config}; declared in ${declares}`]
      })
    expect(misplaced).toEqual([])
  })
})
