import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP) with node:crypto only: SHA-1,
 * 6 digits, 30-second steps, accepting one step either side for clock drift. The caller keeps
 * the last step accepted so a code cannot be replayed within its window.
 */
export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps accepted either side of now (clock drift between phone and server). */
export const TOTP_WINDOW = 1;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  const clean = text.toUpperCase().replace(/[\s=-]/g, '');
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const index = ALPHABET.indexOf(ch);
    if (index < 0) throw new Error('not base32');
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export type HashName = 'sha1' | 'sha256' | 'sha512';

/** RFC 4226 HOTP: dynamic truncation of an HMAC of the 8-byte big-endian counter. */
export function hotp(key: Uint8Array, counter: number, digits = TOTP_DIGITS, hash: HashName = 'sha1'): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(hash, key).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export function totpStep(at: Date, stepSeconds = TOTP_STEP_SECONDS): number {
  return Math.floor(at.getTime() / 1000 / stepSeconds);
}

export function totp(key: Uint8Array, at: Date, digits = TOTP_DIGITS, hash: HashName = 'sha1'): string {
  return hotp(key, totpStep(at), digits, hash);
}

/**
 * The step a code matches, within ±{@link TOTP_WINDOW} of `at` and strictly after `lastStep`
 * (single use), or null. Every candidate is compared in constant time.
 */
export function verifyTotp(key: Uint8Array, code: string, at: Date, lastStep: number | null = null): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const now = totpStep(at);
  let matched: number | null = null;
  for (let step = now - TOTP_WINDOW; step <= now + TOTP_WINDOW; step++) {
    const expected = Buffer.from(hotp(key, step));
    if (timingSafeEqual(expected, Buffer.from(code)) && (lastStep === null || step > lastStep) && matched === null) matched = step;
  }
  return matched;
}

/** A fresh 160-bit secret (RFC 4226 recommends at least 128, SHA-1's block suits 160). */
export function newTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

/** The URI authenticator apps read from a QR code or accept pasted (Key Uri Format). */
export function otpauthUri(secretBase32: string, account: string, issuer = 'carethread'): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const params = new URLSearchParams({ secret: secretBase32, issuer, algorithm: 'SHA1', digits: String(TOTP_DIGITS), period: String(TOTP_STEP_SECONDS) });
  return `otpauth://totp/${label}?${params.toString()}`;
}

/** The secret in groups of four, for typing it in by hand. */
export function groupSecret(secretBase32: string): string {
  return secretBase32.match(/.{1,4}/g)?.join(' ') ?? secretBase32;
}
