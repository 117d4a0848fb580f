/** Random values, hashes and PKCE for OAuth. Only hashes of codes, secrets and refresh tokens are stored. */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

/** 32 random bytes, base64url (43 characters): client secrets, codes, refresh tokens. */
export function randomToken(): string {
	return randomBytes(32).toString('base64url');
}

/** 16 random bytes → 26 base32 characters: a client_id that is safe in URLs and logs. */
export function randomClientId(): string {
	return encodeBase32LowerCaseNoPadding(randomBytes(16));
}

/** SHA-256 as hex. Fine for these values: each is 256 random bits, so there is nothing to brute-force. */
export function sha256Hex(value: string): string {
	return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Compares two strings in time that depends only on their lengths. */
export function constantTimeEqualStrings(a: string, b: string): boolean {
	const x = Buffer.from(a, 'utf8');
	const y = Buffer.from(b, 'utf8');
	return x.length === y.length && timingSafeEqual(x, y);
}

/** RFC 7636 §4.1: code-verifier = 43*128unreserved. */
export const CODE_VERIFIER_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;
/** An S256 challenge is BASE64URL(SHA-256(verifier)): always 43 characters, no padding. */
export const S256_CHALLENGE_PATTERN = /^[A-Za-z0-9\-_]{43}$/;

/** RFC 7636 §4.2: code_challenge = BASE64URL-ENCODE(SHA256(ASCII(code_verifier))). */
export function s256Challenge(verifier: string): string {
	return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** RFC 7636 §4.6: true when the verifier is well formed and hashes to the stored challenge. */
export function verifyS256(verifier: string, challenge: string): boolean {
	return CODE_VERIFIER_PATTERN.test(verifier) && constantTimeEqualStrings(s256Challenge(verifier), challenge);
}

/** An AES-256-GCM key that only the holder of `secret` (a 256-bit random token) can derive. */
function keyFrom(secret: string, purpose: string): Buffer {
	return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), `course-companion ${purpose}`, 32));
}

/** Encrypts `plaintext` under a key derived from `secret`: base64url(iv ‖ tag ‖ ciphertext). */
export function sealWith(secret: string, purpose: string, plaintext: string): string {
	const iv = randomBytes(12);
	const cipher = createCipheriv('aes-256-gcm', keyFrom(secret, purpose), iv);
	const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
	return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The plaintext sealed by `sealWith`, or null when the secret, purpose or data do not match. */
export function openWith(secret: string, purpose: string, sealed: string): string | null {
	try {
		const raw = Buffer.from(sealed, 'base64url');
		const decipher = createDecipheriv('aes-256-gcm', keyFrom(secret, purpose), raw.subarray(0, 12));
		decipher.setAuthTag(raw.subarray(12, 28));
		return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
	} catch {
		return null;
	}
}
