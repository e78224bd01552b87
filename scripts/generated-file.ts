/**
 * What the generators share: write the generated text, or with `--check` only
 * compare it with the committed file and fail (naming the command) if it drifted.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { relative } from 'node:path'
import { ROOT } from './wrangler-local.ts'

export function writeOrCheck(path: string, generated: string, command: string): void {
  const name = relative(ROOT, path)
  if (!process.argv.includes('--check')) {
    writeFileSync(path, generated)
    console.log(`wrote ${name}`)
  } else if (readFileSync(path, 'utf8') !== generated) {
    console.error(`${name} is out of date: run \`${command}\`.`)
    process.exit(1)
  }
}
