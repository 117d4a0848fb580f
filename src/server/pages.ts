/** Small helpers for the server-rendered pages and their plain HTML forms (they work without JavaScript). */
import type { AstroGlobal } from 'astro';
import { ApiError } from './api/errors.ts';
import type { CurrentUser } from './auth/current-user.ts';

/** Only same-site relative paths, so a crafted ?next= cannot send the learner elsewhere. */
export function safeNext(value: string | null | undefined, fallback = '/dashboard'): string {
	if (!value?.startsWith('/') || value.startsWith('//') || value.includes('\\')) return fallback;
	return value;
}

export async function readForm(request: Request): Promise<URLSearchParams> {
	const type = request.headers.get('content-type') ?? '';
	if (!type.includes('application/x-www-form-urlencoded') && !type.includes('multipart/form-data')) return new URLSearchParams();
	const form = await request.formData();
	const params = new URLSearchParams();
	for (const [key, value] of form.entries()) if (typeof value === 'string') params.append(key, value);
	return params;
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

/** Server-rendered pages rewrite here for an unknown chapter or quiz (src/pages/learn/not-found.astro). */
export const NOT_FOUND_PAGE = '/learn/not-found';
