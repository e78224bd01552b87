/**
 * A TCP proxy on 127.0.0.1 that holds every chunk for `oneWayMs` in each
 * direction: a client-to-Worker round trip of 2 × oneWayMs on a kept-alive
 * connection, as a browser far from the Worker would see. Used by the bench to
 * reproduce a row of the latency model (docs/performance.md).
 */
import { connect, createServer, type Server, type Socket } from 'node:net'

/** Writes each chunk to `to` after `ms`; equal delays keep the chunks in order. */
function delayed(from: Socket, to: Socket, ms: number): void {
  from.on('data', (chunk) => {
    setTimeout(() => {
      if (!to.destroyed) to.write(chunk)
    }, ms)
  })
  from.on('end', () => setTimeout(() => to.end(), ms))
  from.on('error', () => to.destroy())
}

export interface DelayProxy {
  url: string
  close(): Promise<void>
}

export async function startDelayProxy(options: {
  port: number
  target: number
  oneWayMs: number
}): Promise<DelayProxy> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    const upstream = connect(options.target, '127.0.0.1')
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    }
    delayed(client, upstream, options.oneWayMs)
    delayed(upstream, client, options.oneWayMs)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, '127.0.0.1', () => resolve())
  })
  return {
    url: `http://127.0.0.1:${options.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
