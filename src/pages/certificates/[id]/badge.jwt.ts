/** A certificate's Open Badges 3.0 credential, signed as a VC-JWT (src/server/open-badge.ts, decision 0024). */
import type { APIRoute } from 'astro';
import { errorResponse } from '../../../server/api/errors.ts';
import { serverEnv } from '../../../server/env.ts';
import { BADGE_MEDIA_TYPE, badgeKey, signOpenBadge } from '../../../server/open-badge.ts';
import { UNKNOWN_CERTIFICATE } from '../../../server/operations/certificates.ts';
import { findCertificate } from '../../../server/repositories/certificates.ts';
import { getServices } from '../../../server/services.ts';

export const prerender = false;

export const GET: APIRoute = async ({ params }) => {
	const env = serverEnv();
	const key = badgeKey(env);
	if (!key) return errorResponse(404, 'not_found', 'This site signs no badges: its operator has not set a signing key.');
	const { content, db } = await getServices();
	const row = await findCertificate(db, (params.id ?? '').toLowerCase());
	if (!row) return errorResponse(404, 'not_found', UNKNOWN_CERTIFICATE);
	const manifest = await content.manifest();
	const jwt = signOpenBadge(
		{
			origin: env.PUBLIC_ORIGIN.replace(/\/+$/, ''),
			certificateId: row.id,
			courseTitle: row.course_title,
			// The course's description now; what was certified (the title, the name, the date) is the snapshot.
			courseDescription: manifest.course.id === row.course_id ? manifest.course.description : row.course_title,
			learnerName: row.learner_name,
			issuedAt: row.issued_at,
		},
		key,
	);
	return new Response(jwt, { headers: { 'content-type': BADGE_MEDIA_TYPE, 'cache-control': 'no-store', 'x-robots-tag': 'noindex' } });
};
