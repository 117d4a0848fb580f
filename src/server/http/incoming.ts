/**
 * What the request guards read from a request, whichever server received it: Astro's `Request` and
 * `AstroCookies` fit these shapes as they are; scripts/serve.ts's API dispatcher adapts node:http's.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { parseCookie, stringifySetCookie } from 'cookie';

/** `Headers.get`: the value, several joined with ", ", or null. */
export interface HeaderReader {
	get(name: string): string | null;
}

/** The attributes our cookies are set with (Astro's `AstroCookieSetOptions`, the part we use). */
export interface CookieOptions {
	httpOnly: boolean;
	sameSite: 'lax';
	path: string;
	secure: boolean;
	expires?: Date;
	maxAge?: number;
}

/** `AstroCookies`, the part we use. */
export interface CookieJar {
	get(name: string): { value: string } | undefined;
	set(name: string, value: string, options: CookieOptions): void;
}

/** node:http's headers behind `Headers.get` (names arrive lower-cased; repeated ones joined as fetch joins them). */
export function nodeHeaders(headers: IncomingHttpHeaders): HeaderReader {
	return {
		get(name) {
			const value = headers[name.toLowerCase()];
			if (value === undefined) return null;
			return Array.isArray(value) ? value.join(', ') : value;
		},
	};
}

/** A cookie jar over a `Cookie` header, parsed and serialised as AstroCookies does (the same `cookie` package, no decoding). */
export function headerCookieJar(header: string | undefined): CookieJar & { setCookieHeaders(): string[] } {
	let values: Record<string, string | undefined> | undefined;
	const outgoing = new Map<string, string>();
	return {
		get(name) {
			values ??= header ? parseCookie(header, { decode: (v) => v }) : {};
			const value = values[name];
			return value === undefined ? undefined : { value };
		},
		set(name, value, options) {
			outgoing.set(name, stringifySetCookie({ ...options, name, value }));
		},
		setCookieHeaders: () => [...outgoing.values()],
	};
}
