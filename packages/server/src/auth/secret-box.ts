import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for small secrets kept in the database (TOTP seeds, OIDC client secrets). The key
 * is derived with HKDF from the deployment secret (CARETHREAD_SECRET, or the one kept in the data
 * directory), so a database dump alone does not reveal them. The record id is bound as
 * additional data: a sealed value copied onto another row does not open.
 *
 * Format: `v1.<iv>.<ciphertext>.<tag>` (base64url); the version names the key derivation so a
 * rotation can tell old values from new.
 */
const VERSION = 'v1';

function keyFor(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.from('carethread-secret-box'), Buffer.from(`${VERSION}:${purpose}`), 32));
}

export function sealSecret(secret: string, purpose: string, boundTo: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(secret, purpose), iv);
  cipher.setAAD(Buffer.from(boundTo, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** The plaintext, or null when the value is malformed, tampered with or sealed under another key. */
export function openSecret(secret: string, purpose: string, boundTo: string, sealed: string | null | undefined): string | null {
  if (!sealed) return null;
  const [version, iv, body, tag] = sealed.split('.');
  if (version !== VERSION || !iv || body === undefined || !tag) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(secret, purpose), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(boundTo, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
