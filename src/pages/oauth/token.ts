/** POST /oauth/token: the token endpoint (RFC 6749 §3.2). */
import { methodNotAllowed, tokenEndpoint } from '../../server/oauth/endpoints.ts';

export const prerender = false;
export const POST = tokenEndpoint;
export const ALL = methodNotAllowed;
