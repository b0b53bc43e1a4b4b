import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { qrMatrix, qrSvg } from '../src/auth/qr.ts';

const URI = 'otpauth://totp/carethread:dana.admin%40example.org?secret=WZM53TDOPNVV37VBDI6HEPLP3VG4MD5N&issuer=carethread&algorithm=SHA1&digits=6&period=30';

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A greyscale PNG of the matrix with a quiet zone, for a real decoder to read. */
function png(m: boolean[][], scale = 6): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const n = (m.length + 8) * scale;
  const rows: Buffer[] = [];
  for (let py = 0; py < n; py++) {
    const row = Buffer.alloc(n + 1);
    for (let px = 0; px < n; px++) {
      const x = Math.floor(px / scale) - 4;
      const y = Math.floor(py / scale) - 4;
      row[px + 1] = x >= 0 && y >= 0 && x < m.length && y < m.length && m[y]![x] ? 0 : 255;
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(n, 0);
  ihdr.writeUInt32BE(n, 4);
  ihdr[8] = 8;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
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

  it.skipIf(!existsSync('/usr/bin/zbarimg'))('decodes back to the same text with a real decoder (zbarimg)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-qr-'));
    try {
      for (const text of ['HELLO', URI, 'x'.repeat(400), `otpauth://totp/carethread:${'a'.repeat(60)}%40example.org?secret=ABCD`]) {
        const file = join(dir, 'code.png');
        writeFileSync(file, png(qrMatrix(text)));
        const out = execFileSync('/usr/bin/zbarimg', ['-q', '--raw', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        expect(out.trim()).toBe(text);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
