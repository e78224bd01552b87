/**
 * Part of `npm run check`: runs `tsc` on every tsconfig in the repository, after
 * checking that each TypeScript file is in exactly one of them. The files differ
 * in where they run (workerd, Node, a browser driven from Node), so no one
 * tsconfig fits all; this check keeps a new file from falling between them.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { ROOT } from './wrangler-local.ts'

const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')

/** Tracked and untracked (not ignored) files, as paths relative to the root. */
function repoFiles(...patterns: string[]): string[] {
  const args = ['ls-files', '--cached', '--others', '--exclude-standard', '--', ...patterns]
  return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean)
}

/** The files a tsconfig names itself: its include list and any file given by path in `types`. */
function filesOf(config: string): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, config),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'))
      },
    },
  )
  if (!parsed) throw new Error(`${config}: cannot be read`)
  const typeFiles = (parsed.options.types ?? [])
    .filter((name) => name.startsWith('.'))
    .map((name) => resolve(dirname(join(ROOT, config)), name))
  return [...parsed.fileNames, ...typeFiles].map((file) => relative(ROOT, file))
}

// The pathspec's * matches / too: src/core/tsconfig.json and the like are found.
const configs = repoFiles('tsconfig*.json', '*/tsconfig*.json')
const owners = new Map<string, string[]>()
for (const config of configs) {
  for (const file of filesOf(config)) owners.set(file, [...(owners.get(file) ?? []), config])
}

const problems: string[] = []
// A pathspec's * also matches /, so '*.ts' finds them in every folder.
// types/ holds what `npm run generate` writes: each config lists the declarations it reads.
for (const file of repoFiles('*.ts').filter((name) => !name.startsWith('types/'))) {
  const found = owners.get(file) ?? []
  if (found.length === 0) problems.push(`${file} is in no tsconfig (${configs.join(', ')})`)
  if (found.length > 1) problems.push(`${file} is in ${found.length} tsconfigs: ${found.join(', ')}`)
}
if (problems.length > 0) {
  console.error(`typecheck: every .ts file belongs in exactly one tsconfig's include list.\n  ${problems.join('\n  ')}`)
  process.exit(1)
}

for (const config of configs) {
  const result = spawnSync(process.execPath, [TSC, '-p', config], { cwd: ROOT, stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}
console.log(`typecheck: ${configs.length} tsconfigs, ${owners.size} files, each in exactly one`)
