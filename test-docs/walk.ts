/**
 * The runnable blocks of the README and docs/, read as a newcomer reads them.
 *
 * A fenced `sh` block is runnable when the line before it is `<!-- doctest -->`. Its commands
 * (a line, with `\` continuations) run in order in one shell per page; the `# ` lines right below
 * a command, with no blank line between, are what the page says it prints. A blank line ends
 * them, so a comment after a blank line is narration. `…` in a shown line stands for anything,
 * and the shown lines must appear in the output in their order (a page may skip lines). A command
 * exits 0 unless its line ends with the remark `# exits N`. `npm run dev` runs as a second
 * terminal would: in the background, until its banner, and until the next `npm run dev` replaces it.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'

export interface Command {
  /** The command as the page writes it, continuations included. */
  text: string
  /** The lines the page shows below it, `# ` removed. */
  shown: string[]
  /** The exit code the page says it ends with. */
  exits: number
  /** `npm run dev`: started in the background, as in a second terminal. */
  background: boolean
  /** Where it is written, as `page:line`. */
  where: string
}

const MARK = '<!-- doctest -->'
const DEV = /^(npm install && )?npm run dev\b/

/** The commands of one page's runnable blocks, in order. */
export function commandsOf(root: string, page: string): Command[] {
  const lines = readFileSync(join(root, page), 'utf8').split('\n')
  const commands: Command[] = []
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== MARK) continue
    if (!/^```(sh|bash)\s*$/.test(lines[i + 1] ?? ''))
      throw new Error(`${page}:${i + 1}: ${MARK} is not above a sh block`)
    let current: Command | undefined
    let continued = false
    for (let j = i + 2; j < lines.length && !lines[j]?.startsWith('```'); j++) {
      const line = lines[j] ?? ''
      if (continued && current) {
        current.text += `\n${line}`
        continued = line.endsWith('\\')
      } else if (line.trim() === '') {
        current = undefined
      } else if (line.startsWith('#')) {
        current?.shown.push(line.replace(/^# ?/, ''))
      } else {
        const exits = Number(/#\s*exits (\d+)\s*$/.exec(line)?.[1] ?? 0)
        current = { text: line, shown: [], exits, background: DEV.test(line) && exits === 0, where: `${page}:${j + 1}` }
        commands.push(current)
        continued = line.endsWith('\\')
      }
    }
  }
  return commands
}

/** Every page of the documentation: the READMEs and docs/. */
export function everyPage(root: string): string[] {
  const docs = readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md'))
  return ['README.md', 'emulator/README.md', ...docs.map((name) => `docs/${name}`)]
}

/** The pages a newcomer reads: the README, then its Documentation list, in its order. */
export function pagesOf(root: string): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const list = readme.split(/^## Documentation$/m)[1] ?? ''
  const linked = [...list.matchAll(/^- \[[^\]]+\]\(([^)#]+\.md)\)/gm)].map((match) => match[1] ?? '')
  return ['README.md', ...linked.map((page) => relative(root, join(root, dirname('README.md'), page)))]
}

/** Where the shown lines are missing from the output, or undefined when all appear in order. */
export function missingFrom(output: string, shown: readonly string[]): string | undefined {
  const actual = output.split('\n').map((line) => line.trimEnd())
  let at = 0
  for (const line of shown) {
    const pattern = new RegExp(`^${line.trimEnd().split('…').map(literally).join('.*?')}$`)
    while (at < actual.length && !pattern.test(actual[at] ?? '')) at++
    if (at === actual.length) return line
    at++
  }
  return undefined
}

const literally = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
