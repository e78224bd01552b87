/**
 * How `npm run test:docs` reads a page (test-docs/walk.ts), and that it reads every marked one:
 * a runnable block on a page the walk never opens would never be run.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { commandsOf, everyPage, missingFrom, pagesOf } from '../test-docs/walk.ts'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

function page(markdown: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'doc-walk-'))
  writeFileSync(join(dir, 'page.md'), markdown)
  return dir
}

describe('a page read as runnable blocks', () => {
  const dir = page(
    [
      '<!-- doctest -->',
      '```sh',
      '# narration before any command',
      'A=1',
      'echo "$A" \\',
      '  two',
      '# 1 two',
      '',
      '# narration after a blank line',
      'false  # exits 1',
      'npm run dev -- --var X:y',
      '# Your settings: …',
      '```',
      '',
      '```sh',
      'echo not marked',
      '```',
    ].join('\n'),
  )
  const commands = commandsOf(dir, 'page.md')

  it('takes only marked blocks, a command with its continuations', () => {
    expect(commands.map((command) => command.text)).toEqual([
      'A=1',
      'echo "$A" \\\n  two',
      'false  # exits 1',
      'npm run dev -- --var X:y',
    ])
  })

  it('takes the comment lines right below a command as its output, not narration', () => {
    expect(commands.map((command) => command.shown)).toEqual([[], ['1 two'], [], ['Your settings: …']])
  })

  it('reads the exit code a command is said to end with, and runs npm run dev in the background', () => {
    expect(commands.map((command) => [command.exits, command.background])).toEqual([
      [0, false],
      [0, false],
      [1, false],
      [0, true],
    ])
  })
})

describe('shown lines against the output', () => {
  it('match whole lines in order, … standing for anything', () => {
    expect(missingFrom('a\n{"x":"abc"}\nb\n', ['{"x":"…"}', 'b'])).toBeUndefined()
  })

  it('name the first shown line the output lacks', () => {
    expect(missingFrom('b\na\n', ['a', 'b'])).toBe('b')
    expect(missingFrom('{"x":1}\n', ['{"x":2}'])).toBe('{"x":2}')
  })

  it('are not patterns: a dot is a dot', () => {
    expect(missingFrom('aXb\n', ['a.b'])).toBe('a.b')
  })
})

describe('the pages walked', () => {
  it('include every page with a runnable block', () => {
    const marked = everyPage(ROOT).filter((name) => readFileSync(join(ROOT, name), 'utf8').includes('<!-- doctest -->'))
    expect(marked.length).toBeGreaterThan(2)
    expect(marked.filter((name) => !pagesOf(ROOT).includes(name))).toEqual([])
  })

  it('start with the README, whose first runnable command starts the API', () => {
    const [first] = pagesOf(ROOT)
    expect(first).toBe('README.md')
    expect(commandsOf(ROOT, 'README.md')[0]).toMatchObject({ background: true })
  })
})
