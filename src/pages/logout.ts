import type { APIRoute } from 'astro';
import { clearSessionCookie } from '../server/auth/request-auth.ts';
import { invalidateSession } from '../server/auth/sessions.ts';
import { getServices } from '../server/services.ts';

export const prerender = false;

/** A form POST (CSRF-checked by the middleware); GET would let any page sign the learner out. */
export const POST: APIRoute = async ({ locals, cookies, redirect }) => {
	if (locals.session) await invalidateSession((await getServices()).db, locals.session.id);
	clearSessionCookie(cookies);
	return redirect('/', 303);
};
