/**
 * RFC 8707 resource indicators: the one definition of which resources this server issues tokens
 * for and which resource a request is made to. The MCP endpoint is one resource (`<origin>/mcp`, as
 * its RFC 9728 metadata says); the rest of the site (the REST API that GPT Actions call) is the
 * other (`<origin>`). A token asked for one is refused on the other; a token asked for none
 * (ChatGPT Actions send no `resource`) is unbound, as before.
 */

/** The MCP endpoint's resource identifier. */
export function mcpResource(origin: string): string {
	return `${new URL(origin).origin}/mcp`;
}

/** The resources a client may ask for, normalised (no trailing slash on the bare origin). */
export function supportedResources(origin: string): string[] {
	return [mcpResource(origin), new URL(origin).origin];
}

/**
 * The resource a client asked for, normalised, or null when it is not one of ours (RFC 8707 §2:
 * an absolute URI without a fragment; `invalid_target` otherwise).
 */
export function normaliseResource(value: string, origin: string): string | null {
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return null;
	}
	if (url.hash || value.includes('#') || url.search) return null;
	const normal = url.pathname === '/' ? url.origin : `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
	return supportedResources(origin).includes(normal) ? normal : null;
}

/** The resource a request is made to: /mcp (any spelling the middleware also counts) or the site. */
export function resourceOfPath(pathname: string, origin: string): string {
	const normal = pathname
		.toLowerCase()
		.replace(/\/{2,}/g, '/')
		.replace(/\/+$/, '');
	return normal === '/mcp' ? mcpResource(origin) : new URL(origin).origin;
}

/** True when a token bound to `audience` (null: unbound) may be used on `pathname`. */
export function audienceAllows(audience: string | null, pathname: string, origin: string): boolean {
	return audience === null || audience === resourceOfPath(pathname, origin);
}
