/**
 * The two-hop floor's first hop: a Worker that does nothing but pass each request, as it came, to
 * the floor worker over a service binding, and the answer back. What two Workers on a request cost
 * at the least: the front + core layout is measured against this (bench/profile.ts, bench/run.ts).
 */
interface ForwarderEnv {
  TARGET: Fetcher
}

export default {
  fetch: (request, env) => env.TARGET.fetch(request),
} satisfies ExportedHandler<ForwarderEnv>
