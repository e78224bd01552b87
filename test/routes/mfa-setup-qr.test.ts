/**
 * What `GET /mfa_setup` hands an SPA beyond the key URI: the secret for manual
 * entry and a QR code of exactly that URI, never cached. (What /mfa_status
 * reports is in mfa.test.ts.)
 *
 * The QR code is read back by a real decoder: jsQR, on a bitmap rasterised here
 * from the SVG's own geometry (its viewBox, background rect and path).
 */
import jsQR from 'jsqr'
import { describe, expect, it } from 'vitest'
import { qrCodeSvg } from '../../src/core/qr'
import { setupResponse } from '../../src/core/schemas'
import { call as callApi, currentCode, freshUser, type TestUser, withAccessToken } from '../support/harness'

const call = (path: string, user: TestUser, init: RequestInit = {}) =>
  callApi(path, { ...init, headers: { ...withAccessToken(user), 'Content-Type': 'application/json' } })

/**
 * Rasterises the SVG this API draws: a viewBox in modules, a background rect, and
 * one path of axis-aligned rectangles (`M x y`, then relative `h`/`v`, `z`).
 * Each module becomes a `scale`-pixel square of an RGBA bitmap.
 */
function rasterise(svg: string, scale = 4): { data: Uint8ClampedArray; width: number; height: number } {
  const viewBox = /viewBox="0 0 (\d+) (\d+)"/.exec(svg)
  const d = /<path d="([^"]*)"/.exec(svg)?.[1]
  if (!viewBox || d === undefined) throw new Error('not the expected SVG')
  const [modulesWide, modulesHigh] = [Number(viewBox[1]), Number(viewBox[2])]
  const width = modulesWide * scale
  const height = modulesHigh * scale
  const data = new Uint8ClampedArray(width * height * 4).fill(255)
  const fill = (x0: number, y0: number, x1: number, y1: number) => {
    for (let y = Math.min(y0, y1) * scale; y < Math.max(y0, y1) * scale; y++)
      for (let x = Math.min(x0, x1) * scale; x < Math.max(x0, x1) * scale; x++)
        data.fill(0, (y * width + x) * 4, (y * width + x) * 4 + 3)
  }
  for (const sub of d.split('z').filter(Boolean)) {
    const tokens = sub.match(/[MhvHV]|-?\d+/g) ?? []
    let x = 0
    let y = 0
    const xs: number[] = []
    const ys: number[] = []
    for (let i = 0; i < tokens.length; i++) {
      const command = tokens[i]
      if (command === 'M') [x, y] = [Number(tokens[++i]), Number(tokens[++i])]
      else if (command === 'h') x += Number(tokens[++i])
      else if (command === 'v') y += Number(tokens[++i])
      else throw new Error(`unexpected path command ${command}`)
      xs.push(x)
      ys.push(y)
    }
    fill(Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys))
  }
  return { data, width, height }
}

function decode(svg: string): string | undefined {
  const { data, width, height } = rasterise(svg)
  return jsQR(data, width, height)?.data
}

describe('GET /mfa_setup', () => {
  it('returns the base32 secret of its key URI for manual entry', async () => {
    const res = await call('/mfa_setup', await freshUser())
    const body = setupResponse.parse(await res.json())
    expect(body.secret).toMatch(/^[A-Z2-7]{16,}$/)
    expect(new URL(body.qrCodeUrl).searchParams.get('secret')).toBe(body.secret)
  })

  it('returns an SVG QR code that decodes to exactly qrCodeUrl', async () => {
    // A + in the label, percent-encoded in the URI: the QR code must carry it exactly.
    const res = await call('/mfa_setup', await freshUser({ email: `qr+${crypto.randomUUID()}@example.com` }))
    const body = setupResponse.parse(await res.json())
    expect(body.qrCodeSvg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
    expect(decode(body.qrCodeSvg)).toBe(body.qrCodeUrl)
  })

  it('is never stored by a cache', async () => {
    const res = await call('/mfa_setup', await freshUser())
    expect(res.status).toBe(200)
    expect(res.headers.get('Cache-Control')).toBe('no-store')
  })

  it('keeps the secret the authenticator computes codes from', async () => {
    const user = await freshUser()
    const { secret } = setupResponse.parse(await (await call('/mfa_setup', user)).json())
    const code = currentCode(secret)
    const res = await call('/mfa_verify', user, { method: 'POST', body: JSON.stringify({ verification_code: code }) })
    expect(res.status).toBe(200)
  })
})

describe('qrCodeSvg', () => {
  it('encodes a long URI with a label that needs percent-encoding', () => {
    const uri = `otpauth://totp/Acme%20Corp:${'a'.repeat(60)}%2Bmfa%40example.com?secret=${'A'.repeat(32)}&issuer=Acme%20Corp`
    expect(decode(qrCodeSvg(uri))).toBe(uri)
  })
})
