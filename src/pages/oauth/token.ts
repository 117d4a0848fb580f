/** POST /oauth/token: the token endpoint (RFC 6749 §3.2). */
import { methodNotAllowed, oauthPreflight, tokenEndpoint } from '../../server/oauth/endpoints.ts';

export const prerender = false;
export const POST = tokenEndpoint;
export const OPTIONS = oauthPreflight;
export const ALL = methodNotAllowed;
