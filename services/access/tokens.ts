import { createHash, randomBytes } from 'node:crypto';

/** SHA-256 hex of a token: what the database keeps instead of the token. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A new session token (`hds_` + 256 random bits). */
export function newSessionToken(): string {
  return `hds_${randomBytes(32).toString('base64url')}`;
}

/** A new API key: `hdk_<prefix>_<secret>`; the prefix is public, the whole key is the secret. */
export function newApiKey(): { prefix: string; secret: string } {
  const prefix = randomBytes(6).toString('hex');
  return { prefix, secret: `hdk_${prefix}_${randomBytes(32).toString('base64url')}` };
}
