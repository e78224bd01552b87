/**
 * The documentation holds together: every relative link and #anchor in README.md,
 * docs/*.md and emulator/README.md points at a file that exists and, for an anchor,
 * at a heading of that file (GitHub's heading ids), and the README links every
 * page of docs/. Links inside code (fenced blocks, `spans`) are not links.
 * External links (http:, https:, mailto:) are not fetched: the tests stay offline.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { everyPage } from '../test-docs/walk.ts'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

const DOCS = everyPage(ROOT)

/** The lines of a Markdown file, those of fenced code blocks left empty. */
function outsideFences(markdown: string): string[] {
  const lines: string[] = []
  let fence: string | undefined
  for (const line of markdown.split('\n')) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1]
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined
      lines.push('')
    } else if (marker) {
      fence = marker
      lines.push('')
    } else {
      lines.push(line)
    }
  }
  return lines
}

/** The text outside code: no fenced blocks, inline code spans blanked out. */
function prose(markdown: string): string {
  return outsideFences(markdown)
    .map((line) => line.replace(/(`+)[\s\S]*?\1/g, ''))
    .join('\n')
}

/** Every link target: inline links and images, reference definitions, HTML src/href. */
function linkTargets(markdown: string): string[] {
  const text = prose(markdown)
  const targets: string[] = []
  for (const match of text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
    targets.push(match[1] ?? '')
  for (const match of text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)) targets.push(match[1] ?? '')
  for (const match of text.matchAll(/\b(?:src|href)="([^"]+)"/g)) targets.push(match[1] ?? '')
  return targets
}

/** The id GitHub gives a heading: its text in lower case, punctuation dropped, spaces as hyphens. */
function headingId(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .replace(/(\*\*|__|\*)/g, '')
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-')
}

/** The anchors a Markdown file offers, repeated headings numbered as GitHub numbers them. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>()
  const ids = new Set<string>()
  for (const line of outsideFences(markdown)) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1]
    if (heading === undefined) continue
    const base = headingId(heading)
    const count = seen.get(base) ?? 0
    seen.set(base, count + 1)
    ids.add(count === 0 ? base : `${base}-${count}`)
  }
  return ids
}

/** The broken links of one file (a path relative to the repository), as "target: reason". */
function brokenLinks(file: string, markdown: string, read = (path: string) => readFileSync(path, 'utf8')) {
  const broken: string[] = []
  for (const target of linkTargets(markdown)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue
    const hash = target.indexOf('#')
    const path = decodeURI(hash === -1 ? target : target.slice(0, hash))
    const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1))
    const absolute = path === '' ? join(ROOT, file) : resolve(ROOT, dirname(file), path)
    if (!absolute.startsWith(ROOT) || !existsSync(absolute)) {
      broken.push(`${target}: no such file ${relative(ROOT, absolute)}`)
      continue
    }
    if (anchor === undefined) continue
    if (!absolute.endsWith('.md')) {
      broken.push(`${target}: an anchor into a file that is not Markdown`)
    } else if (!anchors(path === '' ? markdown : read(absolute)).has(anchor)) {
      broken.push(`${target}: no heading #${anchor} in ${relative(ROOT, absolute)}`)
    }
  }
  return broken
}

describe('the link checker', () => {
  it('gives headings the ids GitHub gives them', () => {
    expect(headingId('Why cookies + the CORS allow-list + `X-Requested-With` are enough against CSRF')).toBe(
      'why-cookies--the-cors-allow-list--x-requested-with-are-enough-against-csrf',
    )
    expect(headingId("Signing out, and the SPA's own copy")).toBe('signing-out-and-the-spas-own-copy')
    expect(headingId('Checking a real tenant: `npm run probe:saasus`')).toBe(
      'checking-a-real-tenant-npm-run-probesaasus',
    )
    expect([...anchors('# A\n## A\n```\n# not a heading\n```\n')]).toEqual(['a', 'a-1'])
  })

  it('finds a missing file and a missing heading, and ignores code and external links', () => {
    const page = [
      '# Title',
      '[ok](#title) [gone](no-such-file.md) [bad anchor](#nowhere) [web](https://example.com)',
      'Code is no link: `[x](missing.md)`',
      '```',
      '[y](also-missing.md)',
      '```',
    ].join('\n')
    expect(brokenLinks('README.md', page)).toEqual([
      'no-such-file.md: no such file no-such-file.md',
      '#nowhere: no heading #nowhere in README.md',
    ])
  })
})

describe.each(DOCS)('%s', (file) => {
  it('has only links that resolve', () => {
    expect(brokenLinks(file, readFileSync(join(ROOT, file), 'utf8'))).toEqual([])
  })
})

describe('README.md', () => {
  it('links every page of docs/ and the emulator README', () => {
    const targets = new Set(linkTargets(readFileSync(join(ROOT, 'README.md'), 'utf8')).map((t) => t.split('#')[0]))
    const pages = DOCS.filter((file) => file !== 'README.md')
    expect(pages.filter((page) => !targets.has(page))).toEqual([])
  })
})
