/** The public key certificates' Open Badges are signed with, as a JWK Set (RFC 7517), for verifiers that pin it to this site. */
import type { APIRoute } from 'astro';
import { serverEnv } from '../../server/env.ts';
import { badgeKey } from '../../server/open-badge.ts';

export const prerender = false;

export const GET: APIRoute = () => {
	const key = badgeKey(serverEnv());
	return new Response(JSON.stringify({ keys: key ? [key.publicJwk] : [] }), {
		headers: { 'content-type': 'application/jwk-set+json', 'cache-control': 'public, max-age=300' },
	});
};
