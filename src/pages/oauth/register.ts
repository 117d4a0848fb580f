/** POST /oauth/register: dynamic client registration (RFC 7591), for MCP clients. */
import { methodNotAllowed, oauthPreflight, registrationEndpoint } from '../../server/oauth/endpoints.ts';

export const prerender = false;
export const POST = registrationEndpoint;
export const OPTIONS = oauthPreflight;
export const ALL = methodNotAllowed;
