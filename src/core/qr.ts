/**
 * The QR code of a key URI, as SVG, for an SPA to show as an image.
 *
 * uqr (unjs, MIT, no dependencies, runs in any runtime) encodes the URI; the SVG is
 * drawn here rather than with uqr's `renderSVG` because that one emits a square per
 * dark module, and merging each row's runs makes the response about a third the size.
 */
import { encode } from 'uqr'

/** ISO/IEC 18004 §6.3.8: a quiet zone of four modules on every side. */
const QUIET_ZONE_MODULES = 4

/**
 * A fixed mask. Scoring all eight masks (the standard's way of picking the one
 * with the fewest scanner-confusing patterns) costs ~2.5 ms warm and up to 15 ms
 * in a cold isolate, past the Free plan's 10 ms CPU per request; one fixed mask
 * costs ~0.2 ms, and every mask is a valid code that decoders read (the tests
 * decode ours with jsQR in workerd and in Chromium).
 */
const MASK_PATTERN = 0

/**
 * An SVG image of `text` as a QR code: one module per SVG unit, black on white,
 * error correction level M (15 %), enough to survive a glare on a laptop screen.
 */
export function qrCodeSvg(text: string): string {
  const { data, size } = encode(text, { ecc: 'M', border: QUIET_ZONE_MODULES, maskPattern: MASK_PATTERN })
  let path = ''
  data.forEach((row, y) => {
    let x = 0
    while (x < size) {
      if (!row[x]) {
        x += 1
        continue
      }
      const start = x
      while (x < size && row[x]) x += 1
      path += `M${start} ${y}h${x - start}v1h${start - x}z`
    }
  })
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges">` +
    `<rect width="${size}" height="${size}" fill="#fff"/><path d="${path}" fill="#000"/></svg>`
  )
}
