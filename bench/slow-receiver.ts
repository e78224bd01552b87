/**
 * The bench's webhook receiver: an HTTP server on 127.0.0.1 that answers every POST 204 after
 * `stallMs`, as a slow endpoint of the SaaS team's would. A process of its own (this one), apart
 * from the emulator, so that the webhooks' wait is not the emulator's and the SaaSus calls the
 * measured requests make are not slowed by it.
 */
import { createServer, type Server } from 'node:http'
import type { Socket } from 'node:net'

export interface SlowReceiver {
  url: string
  /** Deliveries received so far. */
  received(): number
  close(): Promise<void>
}

export async function startSlowReceiver(options: { port: number; stallMs: number }): Promise<SlowReceiver> {
  let received = 0
  const sockets = new Set<Socket>()
  const server: Server = createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      received += 1
      setTimeout(() => response.writeHead(204).end(), options.stallMs)
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, '127.0.0.1', () => resolve())
  })
  return {
    url: `http://127.0.0.1:${options.port}/webhooks`,
    received: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
