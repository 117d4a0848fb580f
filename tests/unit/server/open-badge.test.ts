import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../../src/server/env.ts';
import { badgeKey, openBadgeCredential, signOpenBadge } from '../../../src/server/open-badge.ts';

const input = {
	origin: 'https://course.example.test',
	certificateId: 'a'.repeat(26),
	courseTitle: 'Fixture Course',
	courseDescription: 'A course.',
	learnerName: 'Ada',
	issuedAt: new Date('2026-11-30T10:20:30.456Z'),
};

describe('the certificate signing key', () => {
	it('is validated: 32 bytes in base64url, blank means unset', () => {
		const seed = randomBytes(32).toString('base64url');
		expect(parseEnv({ CERTIFICATE_SIGNING_KEY: seed }).CERTIFICATE_SIGNING_KEY).toBe(seed);
		expect(parseEnv({ CERTIFICATE_SIGNING_KEY: '' }).CERTIFICATE_SIGNING_KEY).toBeUndefined();
		expect(() => parseEnv({ CERTIFICATE_SIGNING_KEY: 'too-short' })).toThrow(/CERTIFICATE_SIGNING_KEY: use 32 random bytes/);
	});

	it('has no default in production, a fixed development key elsewhere, and the configured one when set', () => {
		expect(badgeKey({ NODE_ENV: 'production', CERTIFICATE_SIGNING_KEY: undefined })).toBeNull();
		const dev = badgeKey({ NODE_ENV: 'development', CERTIFICATE_SIGNING_KEY: undefined });
		expect(dev?.publicJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
		expect(badgeKey({ NODE_ENV: 'test', CERTIFICATE_SIGNING_KEY: undefined })?.publicJwk.x).toBe(dev?.publicJwk.x);
		const own = badgeKey({ NODE_ENV: 'production', CERTIFICATE_SIGNING_KEY: randomBytes(32).toString('base64url') });
		expect(own?.publicJwk.x).not.toBe(dev?.publicJwk.x);
		expect(own?.publicJwk.kid).not.toBe(dev?.publicJwk.kid);
	});
});

describe('signOpenBadge', () => {
	it('is a compact JWS over the credential and its registered claims, verifiable with the header key', () => {
		const key = badgeKey({ NODE_ENV: 'production', CERTIFICATE_SIGNING_KEY: randomBytes(32).toString('base64url') });
		if (!key) throw new Error('no key');
		const [h, p, s] = signOpenBadge(input, key).split('.') as [string, string, string];
		const header = JSON.parse(Buffer.from(h, 'base64url').toString());
		const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
		expect(header).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: key.publicJwk.kid, jwk: { kty: 'OKP', crv: 'Ed25519', x: key.publicJwk.x } });
		expect(payload).toEqual({
			...openBadgeCredential(input),
			iss: 'https://course.example.test/',
			nbf: Math.floor(input.issuedAt.getTime() / 1000),
			jti: `https://course.example.test/certificates/${'a'.repeat(26)}`,
		});
		expect(payload.validFrom).toBe('2026-11-30T10:20:30Z');
		const publicKey = createPublicKey({ key: header.jwk, format: 'jwk' });
		expect(verify(null, Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s, 'base64url'))).toBe(true);
		expect(verify(null, Buffer.from(`${h}.${p}x`), publicKey, Buffer.from(s, 'base64url'))).toBe(false);
	});
});
