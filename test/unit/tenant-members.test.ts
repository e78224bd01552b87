/**
 * The member list's cursor (src/core/tenant/members.ts): opaque to clients, base64url, the last
 * listed member's id inside. Every id comes back as it went in; anything the API did not hand out
 * is no position at all, so the route refuses it rather than starting somewhere.
 */
import { describe, expect, it } from 'vitest'
import { cursorAfter, cursorPosition } from '../../src/core/cursor'

const base64url = (text: string) => btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

describe('the members cursor', () => {
  it('round-trips any id, in URL-safe characters only', () => {
    const ids = [
      'd266c5fc-6028-43cb-a86e-77c8571c3494',
      'a',
      'with/slash+plus=equals',
      'ünïcødé 名前',
      '%41 not decoded twice',
      `${'x'.repeat(300)}?>~`,
    ]
    for (const id of ids) {
      const cursor = cursorAfter(id)
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/)
      expect(cursorPosition(cursor)).toBe(id)
    }
  })

  it('tells ids apart: different ids, different cursors', () => {
    const cursors = new Set(['a', 'b', 'ab', 'a/b', 'a+b'].map(cursorAfter))
    expect(cursors.size).toBe(5)
  })

  it('is no position for what it did not hand out', () => {
    const garbage = [
      '',
      'garbage!',
      '%%%',
      'not base64 at all',
      base64url('before:d266c5fc-6028-43cb-a86e-77c8571c3494'),
      base64url('after:'),
      base64url('AFTER:x'),
      base64url('after:%E0%A4%A'),
      'YWZ0ZXI6eA=====',
    ]
    for (const cursor of garbage) {
      expect({ cursor, position: cursorPosition(cursor) }).toEqual({ cursor, position: undefined })
    }
  })

  it('reads standard base64 with padding as its URL-safe form', () => {
    expect(cursorPosition(btoa('after:x'))).toBe('x')
    expect(cursorPosition(base64url('after:x'))).toBe('x')
  })
})
