/** GET /.well-known/oauth-authorization-server: authorization server metadata (RFC 8414). */
import { metadataEndpoint } from '../../server/oauth/endpoints.ts';

export const prerender = false;
export const GET = metadataEndpoint;
