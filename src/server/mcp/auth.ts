/**
 * /mcp as an OAuth protected resource (MCP authorization spec, RFC 9728 and RFC 6750): the
 * metadata document and the Bearer challenges that tell ChatGPT where to link an account.
 */
import { getServices } from '../services.ts';

/** The one scope our authorization server grants: the learner's own course data. */
export const MCP_SCOPES = ['course'] as const;

/** Tool-result `_meta` key ChatGPT reads to start account linking (OpenAI's SEP-1489 convention). */
export const WWW_AUTHENTICATE_META = 'mcp/www_authenticate';

export const PROTECTED_RESOURCE_PATH = '/.well-known/oauth-protected-resource';

/** The public origin without a trailing slash, from PUBLIC_ORIGIN (never from the request's Host). */
export async function publicOrigin(): Promise<string> {
	const { env } = await getServices();
	return new URL(env.PUBLIC_ORIGIN).origin;
}

export function resourceMetadataUrl(origin: string): string {
	return `${origin}${PROTECTED_RESOURCE_PATH}`;
}

/** RFC 9728 protected resource metadata for the MCP endpoint. */
export function protectedResourceMetadata(origin: string) {
	return {
		resource: `${origin}/mcp`,
		authorization_servers: [origin],
		scopes_supported: [...MCP_SCOPES],
		bearer_methods_supported: ['header'],
		resource_name: 'Course Companion',
		resource_documentation: `${origin}/openapi.json`,
	};
}

export type ChallengeError = 'invalid_token' | 'insufficient_scope';

/** A `WWW-Authenticate: Bearer …` value; quotes and line breaks are dropped from the description. */
export function bearerChallenge(origin: string, error?: ChallengeError, description?: string): string {
	const parts = [`resource_metadata="${resourceMetadataUrl(origin)}"`, `scope="${MCP_SCOPES.join(' ')}"`];
	if (error) parts.push(`error="${error}"`);
	if (error && description) parts.push(`error_description="${description.replace(/["\\\r\n]/g, ' ')}"`);
	return `Bearer ${parts.join(', ')}`;
}
