/**
 * The front as vitest.config.ts runs it beside the core. A worker of its own prints straight to
 * the terminal, past vitest's onConsoleLog, so its one line per request is dropped here as QUIET
 * drops the core's; its warnings and errors still show. The app itself is src/front's, unchanged.
 */
import front from '../../src/front/index'

const print = console.log.bind(console)
console.log = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].includes('"event":"front_request"')) return
  print(...args)
}

export default front
