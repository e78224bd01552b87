/**
 * The cursors of the API's pages (a tenant's members, the webhooks' dead letters): opaque to
 * clients (base64url), the position after which the next page starts inside, so that an item added
 * or removed between pages neither repeats nor shifts the others.
 */
import { fromBase64url, toBase64url } from '../shared/tokens'

export const cursorAfter = (position: string): string => toBase64url(`after:${encodeURIComponent(position)}`)

/** The position a cursor names, or undefined when it is not one of ours. */
export function cursorPosition(cursor: string): string | undefined {
  try {
    const text = fromBase64url(cursor)
    if (!text.startsWith('after:') || text.length === 'after:'.length) return undefined
    return decodeURIComponent(text.slice('after:'.length))
  } catch {
    return undefined
  }
}
