import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, hotp, otpauthUri, totp, verifyTotp, groupSecret } from '../src/auth/totp.ts';
import { openSecret, sealSecret } from '../src/auth/secret-box.ts';

// RFC 6238 appendix B: the SHA-1 seed is the ASCII string "12345678901234567890", 8 digits.
const SEED = Buffer.from('12345678901234567890', 'ascii');
const VECTORS: Array<[number, string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP (RFC 6238)', () => {
  it('matches the RFC 6238 SHA-1 test vectors (8 digits)', () => {
    for (const [seconds, expected] of VECTORS) expect(totp(SEED, new Date(seconds * 1000), 8)).toBe(expected);
  });

  it('6-digit codes are the last six digits of the same truncation', () => {
    for (const [seconds, expected] of VECTORS) expect(totp(SEED, new Date(seconds * 1000))).toBe(expected.slice(-6));
  });

  it('matches RFC 4226 appendix D HOTP values', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expected.forEach((code, counter) => expect(hotp(SEED, counter)).toBe(code));
  });

  it('accepts one step of drift either side, not two, and each step only once', () => {
    const at = new Date(1111111111 * 1000);
    const step = Math.floor(1111111111 / 30);
    expect(verifyTotp(SEED, hotp(SEED, step), at)).toBe(step);
    expect(verifyTotp(SEED, hotp(SEED, step - 1), at)).toBe(step - 1);
    expect(verifyTotp(SEED, hotp(SEED, step + 1), at)).toBe(step + 1);
    expect(verifyTotp(SEED, hotp(SEED, step + 2), at)).toBeNull();
    expect(verifyTotp(SEED, hotp(SEED, step - 2), at)).toBeNull();
    // Replay of an accepted step, or of an earlier one, is refused.
    expect(verifyTotp(SEED, hotp(SEED, step), at, step)).toBeNull();
    expect(verifyTotp(SEED, hotp(SEED, step - 1), at, step)).toBeNull();
    expect(verifyTotp(SEED, hotp(SEED, step + 1), at, step)).toBe(step + 1);
    expect(verifyTotp(SEED, 'abcdef', at)).toBeNull();
    expect(verifyTotp(SEED, '1234567', at)).toBeNull();
  });

  it('base32 round-trips and reads the RFC 4648 vectors', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('MZXW6YTBOI======').toString()).toBe('foobar');
    expect(base32Decode('mzxw 6ytb oi').toString()).toBe('foobar');
    const bytes = Buffer.from(Array.from({ length: 20 }, (_, i) => (i * 37) & 255));
    expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
  });

  it('builds a Key Uri Format link and groups the key in fours', () => {
    const uri = otpauthUri('JBSWY3DPEHPK3PXP', 'admin@example.org');
    expect(uri).toBe('otpauth://totp/carethread:admin%40example.org?secret=JBSWY3DPEHPK3PXP&issuer=carethread&algorithm=SHA1&digits=6&period=30');
    expect(groupSecret('JBSWY3DPEHPK3PXP')).toBe('JBSW Y3DP EHPK 3PXP');
  });
});

describe('secret box (AES-256-GCM)', () => {
  it('opens only with the same deployment secret, purpose and bound record', () => {
    const sealed = sealSecret('deploy-secret', 'totp-secret', 'staff-1', 'JBSWY3DPEHPK3PXP');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(openSecret('deploy-secret', 'totp-secret', 'staff-1', sealed)).toBe('JBSWY3DPEHPK3PXP');
    expect(openSecret('other-secret', 'totp-secret', 'staff-1', sealed)).toBeNull();
    expect(openSecret('deploy-secret', 'oidc', 'staff-1', sealed)).toBeNull();
    expect(openSecret('deploy-secret', 'totp-secret', 'staff-2', sealed)).toBeNull();
    const [v, iv, body, tag] = sealed.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(openSecret('deploy-secret', 'totp-secret', 'staff-1', [v, iv, flipped.toString('base64url'), tag].join('.'))).toBeNull();
    expect(openSecret('deploy-secret', 'totp-secret', 'staff-1', 'garbage')).toBeNull();
  });
});
