/**
 * A certificate as an Open Badges 3.0 credential (an OpenBadgeCredential in the Verifiable Credentials 2.0 data
 * model), secured as a VC-JWT (Open Badges 3.0 §8.2): the JWT payload is the credential itself with the registered
 * claims iss, nbf and jti; the JOSE header names EdDSA and carries the issuer's public key (jwk), which is also
 * published at /certificates/keys.json. Signed with node:crypto Ed25519; no other library (decision 0024).
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign } from 'node:crypto';
import type { Env } from './env.ts';

export const OB3_CONTEXT = ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'];
/** RFC 7518 / RFC 8037 name of Ed25519 signatures in JOSE. */
export const BADGE_ALG = 'EdDSA';
/** The media type of a VC secured with JOSE (W3C VC-JOSE-COSE). */
export const BADGE_MEDIA_TYPE = 'application/vc+jwt';

/** PKCS #8 DER prefix of an Ed25519 private key; the 32-byte seed follows. */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
/** Outside production only, when CERTIFICATE_SIGNING_KEY is unset: derived from a public phrase, so it proves nothing. */
const DEVELOPMENT_SEED = createHash('sha256').update('course-companion development certificate signing key').digest();

export interface BadgeKey {
	privateKey: KeyObject;
	publicJwk: { kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string; alg: string; use: 'sig' };
}

let cached: { seed: string; key: BadgeKey } | undefined;

/** The signing key from the environment, or null in production without one (no signed badges then). */
export function badgeKey(env: Pick<Env, 'CERTIFICATE_SIGNING_KEY' | 'NODE_ENV'>): BadgeKey | null {
	const seed = env.CERTIFICATE_SIGNING_KEY
		? Buffer.from(env.CERTIFICATE_SIGNING_KEY, 'base64url')
		: env.NODE_ENV === 'production'
			? null
			: DEVELOPMENT_SEED;
	if (seed === null) return null;
	const id = seed.toString('base64url');
	if (cached?.seed === id) return cached.key;
	const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
	const { x } = createPublicKey(privateKey).export({ format: 'jwk' }) as { x: string };
	// RFC 7638 thumbprint: a key id that changes with the key and with nothing else.
	const kid = createHash('sha256')
		.update(JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x }))
		.digest('base64url');
	const key: BadgeKey = { privateKey, publicJwk: { kty: 'OKP', crv: 'Ed25519', x, kid, alg: BADGE_ALG, use: 'sig' } };
	cached = { seed: id, key };
	return key;
}

export interface BadgeInput {
	origin: string;
	certificateId: string;
	courseTitle: string;
	courseDescription: string;
	learnerName: string;
	issuedAt: Date;
}

/** The OpenBadgeCredential (JSON-LD), before it is secured. */
export function openBadgeCredential(input: BadgeInput) {
	const verifyUrl = `${input.origin}/certificates/${input.certificateId}`;
	return {
		'@context': OB3_CONTEXT,
		id: verifyUrl,
		type: ['VerifiableCredential', 'OpenBadgeCredential'],
		name: `${input.courseTitle}: course certificate`,
		issuer: { id: `${input.origin}/`, type: ['Profile'], name: input.courseTitle, url: `${input.origin}/` },
		validFrom: input.issuedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
		credentialSubject: {
			type: ['AchievementSubject'],
			// No account id leaves the site: the learner is named as they were when it was issued.
			identifier: [{ type: 'IdentityObject', identityType: 'name', hashed: false, identityHash: input.learnerName }],
			achievement: {
				id: `${input.origin}/#certificate`,
				type: ['Achievement'],
				achievementType: 'Certificate',
				name: `${input.courseTitle}: course certificate`,
				description: input.courseDescription,
				criteria: { narrative: 'Passed every quiz of the course.' },
			},
		},
	};
}

/** The credential as a compact JWS (VC-JWT). */
export function signOpenBadge(input: BadgeInput, key: BadgeKey): string {
	const credential = openBadgeCredential(input);
	const header = { alg: BADGE_ALG, typ: 'JWT', kid: key.publicJwk.kid, jwk: { kty: 'OKP', crv: 'Ed25519', x: key.publicJwk.x } };
	const payload = { ...credential, iss: credential.issuer.id, nbf: Math.floor(input.issuedAt.getTime() / 1000), jti: credential.id };
	const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
	const signingInput = `${encode(header)}.${encode(payload)}`;
	return `${signingInput}.${sign(null, Buffer.from(signingInput), key.privateKey).toString('base64url')}`;
}
