/**
 * `npm run test:docs`: every runnable block of the README and docs/ (test-docs/walk.ts says which),
 * run in the newcomer's order against `npm run dev` as the pages start it, each page in a shell of
 * its own, each command's output compared with what the page shows below it.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Command, commandsOf, missingFrom, pagesOf } from './walk.ts'

const ROOT = new URL('..', import.meta.url).pathname
/** `npm install` and two wrangler dev starting on a busy machine. */
const DEV_START_MS = 240_000
/** The slowest command a page runs: a wait for the next 30-second step, or a dry-run build. */
const COMMAND_MS = 120_000
/**
 * As a newcomer's shell, but npm stays off the network: after `npm ci` the README's `npm install`
 * has nothing to fetch (offline makes that an error, not a download), and no audit or notice is asked for.
 */
const ENV = {
  ...process.env,
  npm_config_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
}

/** One bash per page, fed a command at a time; the markers tell where a command's output ends. */
class Shell {
  private readonly bash = spawn('bash', ['--noprofile', '--norc'], {
    cwd: ROOT,
    env: ENV,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  private output = ''
  private count = 0

  constructor() {
    this.bash.stdout.on('data', (chunk: Buffer) => {
      this.output += chunk.toString()
    })
    this.bash.stderr.on('data', (chunk: Buffer) => {
      this.output += chunk.toString()
    })
  }

  async run(command: string): Promise<{ output: string; code: number }> {
    const n = ++this.count
    const start = this.output.length
    this.bash.stdin.write(`{\n${command}\n} 2>&1\nprintf '\\n@@doctest ${n} %d\\n' $?\n`)
    const end = new RegExp(`\\n@@doctest ${n} (\\d+)\\n`)
    const deadline = Date.now() + COMMAND_MS
    for (;;) {
      const found = end.exec(this.output.slice(start))
      if (found) return { output: this.output.slice(start, start + found.index), code: Number(found[1]) }
      if (this.bash.exitCode !== null) throw new Error(`the shell ended (exit ${this.bash.exitCode})`)
      if (Date.now() > deadline) throw new Error(`no end after ${COMMAND_MS} ms; output:\n${this.output.slice(start)}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  end(): void {
    this.bash.stdin.end()
  }
}

/** `npm run dev` in the background, its own process group so that stopping it stops its wranglers. */
class Dev {
  private child: ChildProcess | undefined
  private output = ''

  async start(command: string): Promise<string> {
    await this.stop()
    this.output = ''
    const child = spawn('bash', ['-c', command], {
      cwd: ROOT,
      env: ENV,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.child = child
    child.stdout?.on('data', (chunk: Buffer) => {
      this.output += chunk.toString()
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      this.output += chunk.toString()
    })
    const deadline = Date.now() + DEV_START_MS
    while (!this.output.includes('Ctrl-C stops')) {
      if (child.exitCode !== null) throw new Error(`npm run dev ended (exit ${child.exitCode}):\n${this.output}`)
      if (Date.now() > deadline) throw new Error(`no banner after ${DEV_START_MS} ms:\n${this.output}`)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    return this.output
  }

  async stop(): Promise<void> {
    const child = this.child
    this.child = undefined
    if (!child?.pid || child.exitCode !== null) return
    const ended = new Promise((resolve) => child.once('exit', resolve))
    process.kill(-child.pid, 'SIGTERM')
    await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 15_000))])
    if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL')
  }
}

const dev = new Dev()
afterAll(() => dev.stop())

function check(command: Command, output: string, code: number): void {
  const context = `${command.where}: ${command.text}\n--- output ---\n${output}`
  expect(code, context).toBe(command.exits)
  expect(missingFrom(output, command.shown), `${context}\n--- shown, not found in order ---`).toBeUndefined()
}

for (const page of pagesOf(ROOT)) {
  const commands = commandsOf(ROOT, page)
  if (commands.length === 0) continue
  describe.sequential(page, () => {
    let shell: Shell
    beforeAll(() => {
      shell = new Shell()
    })
    afterAll(() => shell.end())

    for (const command of commands) {
      it(command.text.split('\n')[0] ?? '', { timeout: DEV_START_MS + COMMAND_MS }, async () => {
        if (command.background) {
          check(command, await dev.start(command.text), 0)
        } else {
          const { output, code } = await shell.run(command.text)
          check(command, output, code)
        }
      })
    }
  })
}
