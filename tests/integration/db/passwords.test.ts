import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../../src/server/auth/passwords.ts';

describe('passwords (argon2id)', () => {
	it('hashes to an argon2id PHC string with m=19456, t=2, p=1 and a fresh salt each time', async () => {
		const a = await hashPassword('correct horse battery staple');
		const b = await hashPassword('correct horse battery staple');
		expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
		expect(a).not.toBe(b);
	});

	it('verifies the right password and rejects a wrong one', async () => {
		const hash = await hashPassword('pässwörd with ünïcode ✓');
		expect(await verifyPassword(hash, 'pässwörd with ünïcode ✓')).toBe(true);
		expect(await verifyPassword(hash, 'pässwörd with ünïcode')).toBe(false);
		expect(await verifyPassword(hash, '')).toBe(false);
	});

	it('returns false (never throws) for malformed or foreign hashes', async () => {
		const good = await hashPassword('pw');
		for (const bad of [
			'',
			'garbage',
			'$argon2id$',
			'$argon2id$v=19$m=19456,t=2,p=1$notbase64!!$x',
			good.slice(0, -10),
			'$2b$10$abcdefghijklmnopqrstuuHqvT2xqcqkrT8V0p5eL6Y2Z6w7c5aWa',
			'plaintext-password',
		]) {
			await expect(verifyPassword(bad, 'pw'), bad).resolves.toBe(false);
		}
		await expect(verifyPassword(undefined as unknown as string, 'pw')).resolves.toBe(false);
	});
});
