/** The course certificate: the learner's own, and its public verification by id (decision 0024). */
import { z } from 'astro/zod';
import { ApiError } from '../api/errors.ts';
import { defineOperation } from '../api/operation.ts';
import { serverEnv } from '../env.ts';
import { type CertificateView, certificateFor } from '../learner.ts';
import { badgeKey } from '../open-badge.ts';
import { findCertificate } from '../repositories/certificates.ts';
import { getServices } from '../services.ts';
import { isoDateTime } from './shared.ts';

export const certificateSchema = z
	.object({
		id: z.string().describe('The verification id (26 characters): anyone with it can check the certificate.'),
		valid: z.literal(true).describe('Always true: a certificate, once issued, stays valid for what it certified. An unknown id is a 404.'),
		learnerName: z.string().describe("The learner's name as it was when the certificate was issued."),
		courseTitle: z.string().describe('The course as it was named when the certificate was issued.'),
		issuedAt: isoDateTime.describe('When the last quiz of the course was first passed.'),
		verificationUrl: z.string().describe('The public page that verifies the certificate; share it.'),
		openBadgeUrl: z
			.string()
			.nullable()
			.describe('The signed Open Badges 3.0 credential (a VC-JWT) for badge wallets; null when the site has no signing key.'),
	})
	.meta({ id: 'Certificate' });

function origin(): string {
	return serverEnv().PUBLIC_ORIGIN.replace(/\/+$/, '');
}

/** A certificate as both operations and the public page show it: no email, no account id. */
export function certificateView(certificate: CertificateView): z.infer<typeof certificateSchema> {
	const url = `${origin()}/certificates/${certificate.id}`;
	return {
		id: certificate.id,
		valid: true,
		learnerName: certificate.learnerName,
		courseTitle: certificate.courseTitle,
		issuedAt: certificate.issuedAt.toISOString(),
		verificationUrl: url,
		openBadgeUrl: badgeKey(serverEnv()) ? `${url}/badge.jwt` : null,
	};
}

export const NO_CERTIFICATE_YET = 'You have not earned the certificate yet: it is issued once you have passed every quiz of the course.';
export const UNKNOWN_CERTIFICATE = 'No certificate has this verification id. Check that the whole id was copied.';

/** The certificate behind a verification id, or null: what verifyCertificate and /certificates/<id> show. */
export async function verifyCertificateById(id: string): Promise<z.infer<typeof certificateSchema> | null> {
	const { db } = await getServices();
	const row = await findCertificate(db, id);
	return row
		? certificateView({ id: row.id, courseTitle: row.course_title, learnerName: row.learner_name, issuedAt: row.issued_at })
		: null;
}

export const getCertificate = defineOperation({
	operationId: 'getCertificate',
	method: 'GET',
	path: '/api/v1/me/certificate',
	summary: "The learner's course certificate, once every quiz is passed",
	description:
		'The certificate with its public verification URL (and a signed Open Badges 3.0 credential when available). 404 until every quiz of the course is passed: then suggest the quizzes still to pass (getProgress).',
	tags: ['Progress'],
	auth: 'learner',
	response: certificateSchema,
	errors: [401, 404],
	async handler({ user }) {
		const { content, db } = await getServices();
		const certificate = await certificateFor(db, await content.manifest(), user);
		if (!certificate) throw new ApiError(404, 'not_found', NO_CERTIFICATE_YET);
		return certificateView(certificate);
	},
});

export const verifyCertificate = defineOperation({
	operationId: 'verifyCertificate',
	method: 'GET',
	path: '/api/v1/certificates/{id}',
	summary: 'Check a course certificate by its verification id',
	description:
		'Public: whether a certificate with this id was issued, to whom (their name), for which course and when. Use it when someone shares a certificate link or id.',
	tags: ['Progress'],
	auth: 'public',
	params: z.object({
		id: z.string().min(1).max(100).describe('The verification id shown on the certificate, e.g. "k3v…" (26 characters).'),
	}),
	response: certificateSchema,
	errors: [400, 404],
	async handler({ params }) {
		const found = await verifyCertificateById(params.id.trim().toLowerCase());
		if (!found) throw new ApiError(404, 'not_found', UNKNOWN_CERTIFICATE);
		return found;
	},
});
