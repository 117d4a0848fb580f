/**
 * Password hashing with Argon2id (OWASP's minimum: m=19 MiB, t=2, p=1). The
 * PHC string carries its own parameters and salt, so it is stored as-is and
 * old hashes keep verifying if these settings are raised later.
 */
import { hash, verify } from '@node-rs/argon2';
import type { Algorithm } from '@node-rs/argon2';

/** `Algorithm.Argon2id`; the enum is an ambient const enum, which isolated modules cannot read. */
const ARGON2ID = 2 as Algorithm;

export const PASSWORD_HASH_OPTIONS = {
	algorithm: ARGON2ID,
	memoryCost: 19456,
	timeCost: 2,
	parallelism: 1,
} as const;

/** Hashes a password into an Argon2id PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`). */
export async function hashPassword(password: string): Promise<string> {
	return hash(password, PASSWORD_HASH_OPTIONS);
}

/** True when `password` matches; false for a wrong password or a malformed/unsupported hash (never throws). */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	if (typeof passwordHash !== 'string' || !passwordHash.startsWith('$argon2')) return false;
	try {
		return await verify(passwordHash, password);
	} catch {
		return false;
	}
}
