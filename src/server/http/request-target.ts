/**
 * The path of a raw request target (`req.url`) without the cost of `new URL` on every static request
 * (docs/decisions/0033-lean-static-path.md).
 */

/** The path part of a request target, cut as sirv's URL parser (@polka/url) cuts it: no decoding, no normalising. */
export function pathWithoutQuery(raw: string): string {
	if (raw.length <= 1) return raw;
	const hash = raw.indexOf('#', 1);
	const beforeHash = hash === -1 ? raw : raw.slice(0, hash);
	const query = beforeHash.indexOf('?', 1);
	return query === -1 ? beforeHash : beforeHash.slice(0, query);
}

/**
 * Characters the WHATWG URL parser leaves as they are in a path. Anything else (`%`, `\`, spaces, quotes,
 * `^`, non-ASCII, controls) it may encode, decode or turn into a slash.
 */
const PLAIN_PATH = /^\/[\w\-.~!$&'()*+,;=:@/]*$/;

/**
 * The request target as a URL, or null when it cannot be read as one. The usual origin-form (`/path?query`)
 * is always a path: `new URL('//', base)` would throw (an empty host) and `new URL('//x/y', base)` would
 * read `x` as a host, so a request for `//` used to end the server.
 */
export function targetUrl(raw: string): URL | null {
	try {
		return raw.startsWith('/') ? new URL(`http://local${raw}`) : new URL(raw, 'http://local');
	} catch {
		return null;
	}
}

/**
 * `targetUrl(raw).pathname`, computed by hand when the raw path is already what the parser would give:
 * it starts with `/`, has only plain characters and no segment starting with a dot (`.`, `..`, where the
 * parser would resolve dot segments). Other targets go through the parser; unreadable ones keep their raw path.
 */
export function urlPathname(raw: string): string {
	const pathname = pathWithoutQuery(raw);
	if (PLAIN_PATH.test(pathname) && !pathname.includes('/.')) return pathname;
	return targetUrl(raw)?.pathname ?? pathname;
}
