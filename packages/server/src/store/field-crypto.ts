import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { customType } from 'drizzle-orm/pg-core';

/**
 * Field-level encryption of PHI at rest (issue 6, point 4).
 *
 * Every PHI column (names, dates of birth, addresses, identifiers, message bodies, fact values,
 * notes, outbox payloads, assistant state) is declared with `encryptedText` / `encryptedJson`
 * below, so Drizzle seals the value with AES-256-GCM on the way in and opens it on the way out;
 * the rest of the code reads and writes plain strings.
 *
 * Keys. The deployment master secret (CARETHREAD_SECRET, or the owner-only file in the data
 * directory) never reaches the database. Data keys are versioned: each has a random id kept in
 * `data_keys`, and the key itself is HKDF-SHA-256(master, id). A ciphertext names its key id,
 * so any process holding the master secret can open a value written under any version without
 * a lookup — which is what lets `carethread keys rotate` switch versions while other processes
 * keep serving. One version is active for new writes; older ones only decrypt until the
 * rotation has re-encrypted every value, and are then retired.
 *
 * Format: `ct1$<key id>$<iv>$<ciphertext+tag>` (base64url). The column's name is bound as
 * additional data, so a value copied into another column does not open.
 *
 * Blind indexes. Exact lookup (a phone number, an email, an MRN, a date of birth, the first
 * letters of a name word) goes through a keyed HMAC of the normalised value stored beside the
 * ciphertext. The index key is derived from the master secret separately from the data keys.
 * It reveals equality (two rows with the same phone share an index), which exact lookup needs,
 * and nothing else.
 *
 * Why process-wide state: Drizzle's column mappers are synchronous and take no context, and a
 * process serves one deployment (one master secret). Tests share one secret.
 */

export const CIPHERTEXT_PREFIX = 'ct1$';
const KEY_SALT = Buffer.from('carethread-data-key');
const INDEX_SALT = Buffer.from('carethread-blind-index');

interface Keyring {
  master: Buffer;
  activeKeyId: string;
  keys: Map<string, Buffer>;
  indexKey: Buffer;
}

let keyring: Keyring | null = null;

function deriveKey(master: Buffer, keyId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, KEY_SALT, Buffer.from(`data-key:${keyId}`), 32));
}

/** A fresh key id: 12 random hex digits, unique across deployments in practice. */
export function newKeyId(): string {
  return randomBytes(6).toString('hex');
}

/** A value that proves a key id was derived from this master secret (kept in `data_keys.check`). */
export function keyCheck(master: string, keyId: string): string {
  return createHmac('sha256', deriveKey(Buffer.from(master, 'utf8'), keyId)).update('carethread-key-check').digest('base64url');
}

/**
 * Installs the master secret and the key id new values are sealed under. Called by
 * createServices once the database's active key is known, and again when a rotation activates
 * a new version.
 */
export function configureFieldEncryption(master: string, activeKeyId: string): void {
  const masterBuf = Buffer.from(master, 'utf8');
  const sameMaster = keyring && keyring.master.equals(masterBuf);
  keyring = {
    master: masterBuf,
    activeKeyId,
    keys: sameMaster ? keyring!.keys : new Map(),
    indexKey: Buffer.from(hkdfSync('sha256', masterBuf, INDEX_SALT, Buffer.from('blind-index:v1'), 32)),
  };
}

/**
 * Installs the master secret, keeping the active key id when the secret is the one already
 * installed; otherwise new values go under the first version ('initial') until
 * syncDataKeys() reads the database's active version.
 */
export function useMasterSecret(master: string): void {
  const same = keyring && keyring.master.equals(Buffer.from(master, 'utf8'));
  configureFieldEncryption(master, same ? keyring!.activeKeyId : INITIAL_KEY_ID);
}

/** The first version, inserted by the migration that switched encryption on. */
export const INITIAL_KEY_ID = 'initial';

export function activeKeyId(): string {
  return ring().activeKeyId;
}

function ring(): Keyring {
  if (!keyring) throw new Error('field encryption is not configured: createServices() installs the master secret before any PHI is read or written');
  return keyring;
}

function key(keyId: string): Buffer {
  const r = ring();
  let k = r.keys.get(keyId);
  if (!k) {
    k = deriveKey(r.master, keyId);
    r.keys.set(keyId, k);
  }
  return k;
}

export function isCiphertext(value: string): boolean {
  return value.startsWith(CIPHERTEXT_PREFIX);
}

/** The key id a stored value is sealed under, or null for a plaintext value not yet encrypted. */
export function keyIdOf(stored: string): string | null {
  if (!isCiphertext(stored)) return null;
  return stored.slice(CIPHERTEXT_PREFIX.length, stored.indexOf('$', CIPHERTEXT_PREFIX.length));
}

export function encryptField(column: string, plaintext: string): string {
  const keyId = ring().activeKeyId;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(keyId), iv);
  cipher.setAAD(Buffer.from(column, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${CIPHERTEXT_PREFIX}${keyId}$${iv.toString('base64url')}$${body.toString('base64url')}`;
}

/**
 * Opens a stored value. A value without the prefix is plaintext written before encryption was
 * switched on; it is returned as is (the start-up sweep encrypts such rows). A tampered value,
 * or one sealed for another column, throws: returning garbage would be worse.
 */
export function decryptField(column: string, stored: string): string {
  if (!isCiphertext(stored)) return stored;
  const parts = stored.split('$');
  if (parts.length !== 4) throw new Error(`unreadable encrypted value in ${column}`);
  const [, keyId, iv, body] = parts as [string, string, string, string];
  const raw = Buffer.from(body, 'base64url');
  if (raw.length < 16) throw new Error(`unreadable encrypted value in ${column}`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key(keyId), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(column, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(0, raw.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    throw new Error(`encrypted value in ${column} does not open (tampered, or sealed under another master secret)`);
  }
}

/**
 * The blind index of a normalised value: HMAC-SHA-256 under the index key, truncated to 128 bits.
 * `kind` separates namespaces (a phone and an MRN with the same digits get different indexes).
 */
export function blindIndex(kind: string, normalized: string): string {
  return createHmac('sha256', ring().indexKey).update(`${kind}\u0000${normalized}`).digest('base64url').slice(0, 22);
}

/** A text column stored as ciphertext; `column` (table.column) is bound as additional data. */
export function encryptedText(name: string, column: string) {
  return customType<{ data: string; driverData: string }>({
    dataType: () => 'text',
    toDriver: (value) => encryptField(column, value),
    fromDriver: (value) => decryptField(column, value),
  })(name);
}

/** A JSON document stored as ciphertext of its JSON text. */
export function encryptedJson<T>(name: string, column: string) {
  return customType<{ data: T; driverData: string }>({
    dataType: () => 'text',
    toDriver: (value) => encryptField(column, JSON.stringify(value)),
    fromDriver: (value) => JSON.parse(decryptField(column, typeof value === 'string' ? value : JSON.stringify(value))) as T,
  })(name);
}
