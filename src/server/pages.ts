/** Small helpers for the server-rendered pages and their plain HTML forms (they work without JavaScript). */
import { BodyTooLargeError, MAX_FORM_BYTES, readBodyBytes } from './http/body.ts';
import type { AstroGlobal } from 'astro';
import { ApiError } from './api/errors.ts';
import type { CurrentUser } from './auth/current-user.ts';

/** Only same-site relative paths, so a crafted ?next= cannot send the learner elsewhere. */
/**
 * Where to send a learner after signing in: a path on this site, never anywhere else. Refuses what browsers
 * would read as another host — `//x`, `/\\x`, backslashes, control characters (`/%09/x` becomes `/\t/x` and
 * then `//x`), in plain or percent-encoded form — and returns the path as the URL parser normalises it, so the
 * Location header is plain ASCII.
 */
/** C0 and C1 control characters, DEL and backslashes: what browsers strip or turn into `/` in a URL. */
function hasControlOrBackslash(text: string): boolean {
	for (const ch of text) {
		const code = ch.codePointAt(0) as number;
		if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || ch === '\\') return true;
	}
	return false;
}

export function safeNext(value: string | null | undefined, fallback = '/dashboard'): string {
	if (!value || value.length > 2000 || !value.startsWith('/')) return fallback;
	let decoded = value;
	for (let i = 0; i < 3; i++) {
		try {
			const next = decodeURIComponent(decoded);
			if (next === decoded) break;
			decoded = next;
		} catch {
			return fallback;
		}
	}
	for (const text of [value, decoded]) {
		if (hasControlOrBackslash(text) || /^\/[\s/\\]/.test(text)) return fallback;
	}
	const base = 'https://course.invalid';
	let url: URL;
	try {
		url = new URL(value, base);
	} catch {
		return fallback;
	}
	if (url.origin !== base) return fallback;
	const path = `${url.pathname}${url.search}${url.hash}`;
	return path.startsWith('/') && !path.startsWith('//') ? path : fallback;
}

/**
 * A page's form post, bounded while it streams. Anything the page cannot read — too large, malformed
 * multipart, another content type — comes back as no fields, so the page answers with its own plain
 * "fill in …" message instead of an error page.
 */
export async function readForm(request: Request): Promise<URLSearchParams> {
	const type = request.headers.get('content-type') ?? '';
	const urlencoded = type.includes('application/x-www-form-urlencoded');
	if (!urlencoded && !type.includes('multipart/form-data')) return new URLSearchParams();
	let bytes: Uint8Array;
	try {
		bytes = await readBodyBytes(request, MAX_FORM_BYTES);
	} catch (error) {
		if (error instanceof BodyTooLargeError) return new URLSearchParams();
		throw error;
	}
	if (urlencoded) return new URLSearchParams(new TextDecoder().decode(bytes));
	try {
		const form = await new Response(Buffer.from(bytes), { headers: { 'content-type': type } }).formData();
		const params = new URLSearchParams();
		for (const [key, value] of form.entries()) if (typeof value === 'string') params.append(key, value);
		return params;
	} catch {
		return new URLSearchParams();
	}
}

/** The signed-in user, or a redirect to the sign-in page that comes back here. */
export function requireUser(astro: AstroGlobal): CurrentUser | Response {
	const user = astro.locals.user;
	if (user) return user;
	return astro.redirect(`/login?next=${encodeURIComponent(astro.url.pathname + astro.url.search)}`, 303);
}

/** Turns an ApiError's field details into a field → message map for inline form errors. */
export function fieldErrors(error: unknown): { summary: string; fields: Record<string, string> } {
	if (!(error instanceof ApiError)) throw error;
	const fields: Record<string, string> = {};
	if (Array.isArray(error.details)) {
		for (const d of error.details as { field?: string | null; message?: string }[]) {
			if (d.field && d.message && !fields[d.field]) fields[d.field] = d.message;
		}
	}
	return { summary: error.message, fields };
}

export const TIME_ZONES: string[] = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];

/** An instant as a learner reads it on a page: "Wednesday 2 December, 00:00 (UTC)". */
export function describeInstant(instant: Date, timeZone: string): string {
	const text = new Intl.DateTimeFormat('en-GB', {
		weekday: 'long',
		day: 'numeric',
		month: 'long',
		hour: '2-digit',
		minute: '2-digit',
		timeZone,
	}).format(instant);
	return `${text.replace(' at ', ', ')} (${timeZone})`;
}

/** Server-rendered pages rewrite here for an unknown chapter or quiz (src/pages/learn/not-found.astro). */
export const NOT_FOUND_PAGE = '/learn/not-found';
