/**
 * The dead letters: webhooks the receiver did not take within the consumer's retries, moved here by
 * the consumer of the dead-letter queue (./delivery.ts). A Cloudflare queue keeps an unconsumed
 * message four days at most; here one is kept until an operator replays it (docs/webhooks.md,
 * "Dead letters"). One object per deployment, SQLite storage. Its RPC surface is
 * ./dead-letter-protocol.ts.
 */
import { DurableObject } from 'cloudflare:workers'
import type { DeadLetter, DeadLetterBoxRpc, DeadLetterPosition, KeptDeadLetter } from './dead-letter-protocol'
import type { WebhookMessage } from './message'

// `replayed_at`: sent to the webhook queue again, and no longer counted; should it die again, it is
// kept again with one more death. A replayed letter is forgotten REPLAYED_KEPT_MS after its replay.
const SCHEMA = `CREATE TABLE IF NOT EXISTS dead_letters (
  id TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  replayable INTEGER NOT NULL,
  dead_at INTEGER NOT NULL,
  deaths INTEGER NOT NULL DEFAULT 1,
  replayed_at INTEGER
)`

/** Long past the last retry of a replayed webhook (about 21 hours with the default delays). */
const REPLAYED_KEPT_MS = 7 * 24 * 60 * 60 * 1000

type Row = { id: string; body: string; replayable: number; dead_at: number; deaths: number }

export class WebhookDeadLetterBox extends DurableObject<Env> implements DeadLetterBoxRpc {
  private readonly sql: SqlStorage

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.sql = ctx.storage.sql
    this.sql.exec(SCHEMA)
  }

  async keep(letters: readonly DeadLetter[], now: number): Promise<{ depth: number }> {
    this.ctx.storage.transactionSync(() => {
      for (const letter of letters) {
        const [id, body, replayable] = letter.message
          ? [letter.message.id, letter.message.body, 1]
          : [`raw_${letter.queueMessageId}`, letter.raw ?? 'null', 0]
        this.sql.exec(
          `INSERT INTO dead_letters (id, body, replayable, dead_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET deaths = deaths + 1, dead_at = excluded.dead_at, replayed_at = NULL`,
          id,
          body,
          replayable,
          now,
        )
      }
      this.sql.exec('DELETE FROM dead_letters WHERE replayed_at < ?', now - REPLAYED_KEPT_MS)
    })
    return { depth: this.depth() }
  }

  async list(
    limit: number,
    after?: DeadLetterPosition,
  ): Promise<{ depth: number; letters: KeptDeadLetter[]; more: boolean }> {
    const [deadAt, id] = after ? [after.deadAt, after.id] : [-1, '']
    const rows = this.sql
      .exec<Row>(
        `SELECT id, body, replayable, dead_at, deaths FROM dead_letters
         WHERE replayed_at IS NULL AND (dead_at > ? OR (dead_at = ? AND id > ?))
         ORDER BY dead_at, id LIMIT ?`,
        deadAt,
        deadAt,
        id,
        limit + 1,
      )
      .toArray()
    return {
      depth: this.depth(),
      more: rows.length > limit,
      letters: rows.slice(0, limit).map((row) => ({
        id: row.id,
        deadAt: row.dead_at,
        deaths: row.deaths,
        body: row.body,
        replayable: row.replayable === 1,
      })),
    }
  }

  async replay(ids: readonly string[] | undefined, limit: number): Promise<{ replayed: string[]; depth: number }> {
    const rows = (
      ids === undefined
        ? this.sql.exec<Row>(
            'SELECT id, body FROM dead_letters WHERE replayable = 1 AND replayed_at IS NULL ORDER BY dead_at, id LIMIT ?',
            limit,
          )
        : this.sql.exec<Row>(
            `SELECT id, body FROM dead_letters WHERE replayable = 1 AND replayed_at IS NULL
             AND id IN (SELECT value FROM json_each(?)) LIMIT ?`,
            JSON.stringify(ids),
            limit,
          )
    ).toArray()
    if (rows.length > 0) {
      const messages: WebhookMessage[] = rows.map(({ id, body }) => ({ id, body }))
      // Marked replayed only once the queue has them: a failure here leaves them kept, to replay again.
      await this.env.WEBHOOKS.sendBatch(messages.map((body) => ({ body, contentType: 'json' })))
      const now = Date.now()
      this.ctx.storage.transactionSync(() => {
        for (const { id } of rows) this.sql.exec('UPDATE dead_letters SET replayed_at = ? WHERE id = ?', now, id)
      })
    }
    return { replayed: rows.map((row) => row.id), depth: this.depth() }
  }

  private depth(): number {
    return this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM dead_letters WHERE replayed_at IS NULL').one().n
  }
}
