/** The path-suffixed form of the metadata URL (RFC 9728 §3.1) that MCP clients try first for /mcp. */
export { GET } from '../oauth-protected-resource.ts';

export const prerender = false;
