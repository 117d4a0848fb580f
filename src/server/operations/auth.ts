/** Accounts and sessions: register, log in and out, who am I, profile, password, sessions. */
import type { Role } from '../../domain/roles.ts';
import { z } from 'astro/zod';
import { isValidTimeZone } from '../../domain/dates.ts';
import { changeTimeZone } from '../../domain/time-zone-change.ts';
import { hasAnyActivity } from '../repositories/progress.ts';
import { ApiError, notFound } from '../api/errors.ts';
import { defineOperation } from '../api/operation.ts';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import { assertSignInAllowed, INVALID_CREDENTIALS, recordFailedSignIn, signInChecked } from '../auth/sign-in.ts';
import { consumeOrThrow } from '../rate-limit.ts';
import { clearSessionCookie, setSessionCookie, setUserHintCookie } from '../auth/request-auth.ts';
import { createSession, invalidateSession, invalidateUserSessions, listUserSessions } from '../auth/sessions.ts';
import { createUser, EmailTakenError, findUserById, setPassword, updateProfile } from '../repositories/users.ts';
import { sendVerificationEmail } from '../account-email.ts';
import { teamOwnerFields } from '../repositories/teams.ts';
import { getServices } from '../services.ts';
import { hasNoNul, isoDateTime, NO_NUL, userSchema, userView } from './shared.ts';

export const timezoneSchema = z
	.string()
	.max(64)
	.refine(isValidTimeZone, 'must be an IANA time zone such as "Europe/Paris" or "America/New_York"');
export const emailSchema = z.email('must be an email address such as "ada@example.com"').max(254);
export const passwordSchema = z.string().min(10, 'must be at least 10 characters').max(256, 'must be at most 256 characters');
export const displayNameSchema = z
	.string()
	.trim()
	.min(1, 'must not be empty')
	.max(80, 'must be at most 80 characters')
	.refine(hasNoNul, NO_NUL);
const tokenRequest = z
	.enum(['cookie', 'bearer'])
	.default('cookie')
	.describe('"bearer" returns a token for the Authorization header (API clients) instead of setting a cookie.');

const authResultSchema = z.object({
	user: userSchema,
	token: z.string().optional().describe('Only when session = "bearer": send it as "Authorization: Bearer <token>".'),
	expiresAt: isoDateTime,
});

export const register = defineOperation({
	operationId: 'register',
	needsAstro: true,
	method: 'POST',
	path: '/api/v1/auth/register',
	summary: 'Create a learner account',
	description:
		'Creates a free account and signs it in (session cookie, or a bearer token when session is "bearer"). When the site sends email, a link to confirm the address follows; the account works without it.',
	tags: ['Account'],
	auth: 'public',
	body: z.object({
		email: emailSchema,
		password: passwordSchema,
		displayName: displayNameSchema,
		timezone: timezoneSchema.default('UTC'),
		session: tokenRequest,
	}),
	response: authResultSchema,
	status: 201,
	errors: [400, 409, 429],
	async handler({ body, clientIp, astro, now, request }) {
		const { db, limits } = await getServices();
		await consumeOrThrow(limits.registrations, clientIp, 'accounts created from this address');
		let user: Awaited<ReturnType<typeof createUser>>;
		try {
			user = await createUser(db, {
				email: body.email,
				passwordHash: await hashPassword(body.password),
				displayName: body.displayName,
				timezone: body.timezone,
			});
		} catch (error) {
			if (error instanceof EmailTakenError) {
				throw new ApiError(409, 'email_taken', 'An account with this email already exists. Sign in instead.', [
					{ in: 'body', field: 'email', message: 'is already registered' },
				]);
			}
			throw error;
		}
		sendVerificationEmail(await getServices(), user, now);
		return startSession(user, body.session, astro, now, request);
	},
});

export const login = defineOperation({
	operationId: 'login',
	needsAstro: true,
	method: 'POST',
	path: '/api/v1/auth/login',
	summary: 'Sign in with email and password',
	description: 'Starts a session (cookie, or a bearer token when session is "bearer"). A wrong email or password gets the same answer.',
	tags: ['Account'],
	auth: 'public',
	body: z.object({ email: emailSchema, password: z.string().min(1).max(256), session: tokenRequest }),
	response: authResultSchema,
	errors: [400, 401, 429],
	async handler({ body, clientIp, astro, now, request }) {
		const { db, limits } = await getServices();
		const user = await signInChecked(db, limits, clientIp, body.email, body.password);
		if (!user) throw new ApiError(401, 'invalid_credentials', INVALID_CREDENTIALS);
		return startSession(user, body.session, astro, now, request);
	},
});

async function startSession(
	user: {
		id: string;
		email: string;
		display_name: string;
		timezone: string;
		role: Role;
		tier: 'free' | 'premium' | 'pro' | 'team';
	},
	kind: 'cookie' | 'bearer',
	astro: { cookies: import('astro').AstroCookies; url: URL },
	now: Date,
	request: Request,
) {
	const { db } = await getServices();
	const label = request.headers.get('user-agent')?.slice(0, 200) ?? null;
	const { token, session } = await createSession(db, { userId: user.id, kind: kind === 'bearer' ? 'api' : 'browser', label, now });
	if (kind === 'cookie') {
		setSessionCookie(astro.cookies, token, session.expires_at);
		setUserHintCookie(astro.cookies, user.display_name, session.expires_at);
	}
	// The tier in force, as the session will see it (a team member's is the team's).
	const view = userView({ ...user, ...(await teamOwnerFields(db, user.id)) }, now);
	return { user: view, ...(kind === 'bearer' ? { token } : {}), expiresAt: session.expires_at.toISOString() };
}

export const logout = defineOperation({
	operationId: 'logout',
	needsAstro: true,
	method: 'POST',
	path: '/api/v1/auth/logout',
	summary: 'Sign out (revoke the current session)',
	description: 'Revokes the session or token used for this request and clears the cookie.',
	tags: ['Account'],
	auth: 'learner',
	response: z.object({ ok: z.literal(true) }),
	errors: [401],
	async handler({ session, astro }) {
		const { db } = await getServices();
		if (session) await invalidateSession(db, session.id);
		clearSessionCookie(astro.cookies);
		return { ok: true as const };
	},
});

export const getMe = defineOperation({
	operationId: 'getMe',
	method: 'GET',
	path: '/api/v1/me',
	summary: 'Who is the signed-in learner?',
	description: "The learner's id, email, display name, time zone, role and tier. Use the display name to greet them.",
	tags: ['Account'],
	auth: 'learner',
	response: userSchema,
	errors: [401],
	async handler({ user, now }) {
		return userView(user, now);
	},
});

export const updateMe = defineOperation({
	operationId: 'updateMe',
	method: 'PATCH',
	path: '/api/v1/me',
	summary: "Update the learner's display name or time zone",
	description:
		'Changes the display name and/or the IANA time zone used for daily limits and streak days. A learner with activity keeps the current zone until its next midnight (pendingTimezone), so a change never adds or repeats a day.',
	tags: ['Account'],
	auth: 'learner',
	consequential: false,
	body: z
		.object({ displayName: displayNameSchema.optional(), timezone: timezoneSchema.optional() })
		.refine((b) => b.displayName !== undefined || b.timezone !== undefined, 'send displayName and/or timezone'),
	response: userSchema,
	errors: [400, 401],
	async handler({ body, user }) {
		const { db } = await getServices();
		const now = new Date();
		const timezone =
			body.timezone === undefined
				? undefined
				: changeTimeZone(user.zone, body.timezone, now, { hasHistory: await hasAnyActivity(db, user.id) });
		const fresh = await updateProfile(db, user.id, { displayName: body.displayName, timezone });
		if (!fresh) throw notFound('Your account');
		// A profile change never changes the tier: the one in force (a team's, perhaps) stays as the session derived it.
		return { ...userView(fresh, now), tier: user.tier };
	},
});

export const changePassword = defineOperation({
	operationId: 'changePassword',
	method: 'POST',
	path: '/api/v1/me/password',
	summary: "Change the learner's password",
	description: 'Needs the current password. Every other session and token of the account is revoked.',
	tags: ['Account'],
	auth: 'learner',
	oauth: false,
	body: z.object({ currentPassword: z.string().min(1).max(256), newPassword: passwordSchema }),
	response: z.object({ ok: z.literal(true), revokedOtherSessions: z.boolean() }),
	errors: [400, 401, 403, 429],
	async handler({ body, user, session, clientIp }) {
		const { db, limits } = await getServices();
		await assertSignInAllowed(limits, clientIp, user.email);
		const row = await findUserById(db, user.id);
		if (!row || !(await verifyPassword(row.password_hash, body.currentPassword))) {
			await recordFailedSignIn(limits, clientIp, user.email);
			throw new ApiError(400, 'invalid_password', 'The current password is incorrect.', [
				{ in: 'body', field: 'currentPassword', message: 'is incorrect' },
			]);
		}
		await setPassword(db, user.id, await hashPassword(body.newPassword));
		await invalidateUserSessions(db, user.id, { exceptSessionId: session?.id });
		return { ok: true as const, revokedOtherSessions: true };
	},
});

const sessionViewSchema = z.object({
	id: z.string(),
	kind: z.enum(['browser', 'api', 'oauth']),
	label: z.string().nullable(),
	clientId: z.string().nullable(),
	createdAt: isoDateTime,
	lastUsedAt: isoDateTime,
	expiresAt: isoDateTime,
	current: z.boolean(),
});

export const listSessions = defineOperation({
	operationId: 'listSessions',
	method: 'GET',
	path: '/api/v1/me/sessions',
	summary: "The learner's active sessions and connected apps",
	description: 'Browser sessions, API tokens and apps connected with OAuth (such as ChatGPT), each revocable.',
	tags: ['Account'],
	auth: 'learner',
	oauth: false,
	response: z.object({ sessions: z.array(sessionViewSchema) }),
	errors: [401, 403],
	async handler({ user, session }) {
		const { db } = await getServices();
		const rows = await listUserSessions(db, user.id);
		return {
			sessions: rows.map((s) => ({
				id: s.id,
				kind: s.kind,
				label: s.label,
				clientId: s.client_id,
				createdAt: s.created_at.toISOString(),
				lastUsedAt: s.last_used_at.toISOString(),
				expiresAt: s.expires_at.toISOString(),
				current: s.id === session?.id,
			})),
		};
	},
});

export const revokeSession = defineOperation({
	operationId: 'revokeSession',
	method: 'DELETE',
	path: '/api/v1/me/sessions/{sessionId}',
	summary: 'Revoke one of the learner’s sessions or connected apps',
	description: 'Signs out a browser session or disconnects an app. Only the learner’s own sessions can be revoked.',
	tags: ['Account'],
	auth: 'learner',
	oauth: false,
	params: z.object({ sessionId: z.string().min(1).max(100) }),
	response: z.object({ ok: z.literal(true) }),
	errors: [401, 403, 404],
	async handler({ params, user }) {
		const { db } = await getServices();
		const owned = (await listUserSessions(db, user.id)).some((s) => s.id === params.sessionId);
		if (!owned) throw notFound(`Session "${params.sessionId}"`);
		await invalidateSession(db, params.sessionId);
		return { ok: true as const };
	},
});
