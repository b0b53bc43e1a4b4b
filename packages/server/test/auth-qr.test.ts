import jsQRModule from 'jsqr';
import { describe, expect, it } from 'vitest';
import { qrMatrix, qrSvg } from '../src/auth/qr.ts';

// jsQR is CommonJS with a `default` export beside the module itself; under NodeNext the default
// import is the module object, so take its `default`.
const jsQR = (jsQRModule as unknown as { default: typeof import('jsqr').default }).default;

const URI = 'otpauth://totp/carethread:dana.admin%40example.org?secret=WZM53TDOPNVV37VBDI6HEPLP3VG4MD5N&issuer=carethread&algorithm=SHA1&digits=6&period=30';

/**
 * The matrix as an RGBA image with a quiet zone, the way a phone camera would see the printed
 * code, for an independent decoder (jsQR, a pure-JavaScript implementation) to read.
 */
function rgba(m: boolean[][], scale = 6): { data: Uint8ClampedArray; size: number } {
  const size = (m.length + 8) * scale;
  const data = new Uint8ClampedArray(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const x = Math.floor(px / scale) - 4;
      const y = Math.floor(py / scale) - 4;
      const v = x >= 0 && y >= 0 && x < m.length && y < m.length && m[y]![x] ? 0 : 255;
      data.set([v, v, v, 255], (py * size + px) * 4);
    }
  }
  return { data, size };
}

describe('QR code of the enrolment link', () => {
  it('has the size of its version, finder patterns in three corners and the dark module', () => {
    expect(qrMatrix('HELLO').length).toBe(21);
    const m = qrMatrix(URI);
    const size = m.length;
    expect((size - 17) % 4).toBe(0);
    for (const [x0, y0] of [
      [0, 0],
      [size - 7, 0],
      [0, size - 7],
    ]) {
      for (let d = 0; d < 7; d++) {
        expect(m[y0!]![x0! + d]).toBe(true);
        expect(m[y0! + 6]![x0! + d]).toBe(true);
      }
      expect(m[y0! + 1]![x0! + 1]).toBe(false);
      expect(m[y0! + 3]![x0! + 3]).toBe(true);
    }
    expect(m[size - 8]![8]).toBe(true);
    expect(qrMatrix(URI)).toEqual(m);
  });

  it('renders an SVG with rectangles only and an accessible label', () => {
    const svg = qrSvg(URI, 'QR code "for" <app>');
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-label="QR code &quot;for&quot; &lt;app>"/);
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('secret');
  });

  it('decodes back to the same text with an independent decoder (jsQR)', () => {
    for (const text of ['HELLO', URI, 'x'.repeat(400), `otpauth://totp/carethread:${'a'.repeat(60)}%40example.org?secret=ABCD`]) {
      const { data, size } = rgba(qrMatrix(text));
      expect(jsQR(data, size, size)?.data).toBe(text);
    }
  });
});
