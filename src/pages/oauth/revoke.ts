/** POST /oauth/revoke: token revocation (RFC 7009). */
import { methodNotAllowed, oauthPreflight, revocationEndpoint } from '../../server/oauth/endpoints.ts';

export const prerender = false;
export const POST = revocationEndpoint;
export const OPTIONS = oauthPreflight;
export const ALL = methodNotAllowed;
