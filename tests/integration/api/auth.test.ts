/**
 * Accounts and sessions over real HTTP: register, log in (cookie or bearer), who am I, profile,
 * log out, password change, session list and revocation, tampered tokens. Every response is
 * checked against /openapi.json.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../helpers/databases.ts';
import { type ApiServer, PASSWORD, registerLearner, startApiServer, uniqueEmail } from './fixtures.ts';

const TOKEN = /^[a-z2-7]{24}\.[a-z2-7]{32}$/;

describe.each(DATABASE_KINDS)('%s: auth API', (kind) => {
	let api: ApiServer;
	beforeAll(async () => {
		api = await startApiServer(kind);
	});
	afterAll(async () => {
		await api?.stop();
	});

	/** The fields a 400 names in its details. */
	const fields = (body: any) => (body.error.details as { field: string }[]).map((d) => d.field);

	describe('register', () => {
		it('creates a free account, answers 201 and sets an HttpOnly SameSite=Lax cookie (not Secure on plain-http 127.0.0.1)', async () => {
			const client = api.client();
			const email = uniqueEmail('reg');
			const res = await client.post('/api/v1/auth/register', {
				email,
				password: PASSWORD,
				displayName: 'Ada',
				timezone: 'Europe/Paris',
			});
			expect(res.status).toBe(201);
			expect(res.json.user).toMatchObject({ email, displayName: 'Ada', timezone: 'Europe/Paris', role: 'student', tier: 'free' });
			expect(res.json.token).toBeUndefined();
			expect(new Date(res.json.expiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000);
			const cookie = res.headers.getSetCookie().find((c) => c.startsWith('cc_session='));
			expect(cookie).toBeDefined();
			const [pair, ...attributes] = (cookie as string).split(';').map((s) => s.trim());
			expect(pair?.slice('cc_session='.length)).toMatch(TOKEN);
			const lower = attributes.map((a) => a.toLowerCase());
			expect(lower).toContain('httponly');
			expect(lower).toContain('samesite=lax');
			expect(lower).toContain('path=/');
			expect(lower).not.toContain('secure');
			expect((await client.get('/api/v1/me')).json).toEqual(res.json.user);
		});

		it('uses UTC when no time zone is given', async () => {
			const res = await api.client().post('/api/v1/auth/register', { email: uniqueEmail('utc'), password: PASSWORD, displayName: 'U' });
			expect(res.status).toBe(201);
			expect(res.json.user.timezone).toBe('UTC');
		});

		it('refuses a second account with the same email (also in another case) with 409', async () => {
			const email = uniqueEmail('dup');
			const client = api.client();
			expect((await client.post('/api/v1/auth/register', { email, password: PASSWORD, displayName: 'One' })).status).toBe(201);
			for (const again of [email, email.toUpperCase()]) {
				const res = await api.client().post('/api/v1/auth/register', { email: again, password: PASSWORD, displayName: 'Two' });
				expect(res.status).toBe(409);
				expect(res.json.error.code).toBe('email_taken');
				expect(fields(res.json)).toEqual(['email']);
				expect(res.headers.getSetCookie()).toEqual([]);
			}
		});

		it.each([
			['a weak password', { password: 'short' }, 'password'],
			['an invalid email', { email: 'not-an-email' }, 'email'],
			['an invalid time zone', { timezone: 'Mars/Olympus' }, 'timezone'],
			['an empty display name', { displayName: '   ' }, 'displayName'],
		])('answers 400 naming the field for %s', async (_label, override, field) => {
			const body = { email: uniqueEmail('bad'), password: PASSWORD, displayName: 'Bad', ...override };
			const res = await api.client().post('/api/v1/auth/register', body);
			expect(res.status).toBe(400);
			expect(res.json.error.code).toBe('validation_failed');
			expect(fields(res.json)).toEqual([field]);
			expect(res.json.error.message).toContain(field);
			expect(res.headers.getSetCookie()).toEqual([]);
		});
	});

	describe('login', () => {
		it('gives the same 401 for an unknown email and for a wrong password (no account enumeration)', async () => {
			const learner = await registerLearner(api, 'enum');
			const unknown = await api.client().post('/api/v1/auth/login', { email: uniqueEmail('nobody'), password: PASSWORD });
			const wrong = await api.client().post('/api/v1/auth/login', { email: learner.email, password: 'wrong-password-123' });
			expect(unknown.status).toBe(401);
			expect(wrong.status).toBe(401);
			expect(unknown.json).toEqual(wrong.json);
			expect(unknown.json.error.code).toBe('invalid_credentials');
			expect(unknown.headers.getSetCookie()).toEqual([]);
			expect(wrong.headers.getSetCookie()).toEqual([]);
		});

		it('signs in with a cookie by default, with any case of the email', async () => {
			const learner = await registerLearner(api, 'case');
			const client = api.client();
			const res = await client.post('/api/v1/auth/login', { email: learner.email.toUpperCase(), password: PASSWORD });
			expect(res.status).toBe(200);
			expect(res.json.user.id).toBe(learner.id);
			expect(client.cookie).toMatch(/^cc_session=[a-z2-7]{24}\.[a-z2-7]{32}$/);
			expect((await client.get('/api/v1/me')).json.id).toBe(learner.id);
		});

		it('with session "bearer" returns a token (and no cookie) that works as Authorization: Bearer', async () => {
			const learner = await registerLearner(api, 'bearer');
			const res = await api.client().post('/api/v1/auth/login', { email: learner.email, password: PASSWORD, session: 'bearer' });
			expect(res.status).toBe(200);
			expect(res.json.token).toMatch(TOKEN);
			expect(res.headers.getSetCookie()).toEqual([]);
			const client = api.client();
			client.bearer = res.json.token;
			const me = await client.get('/api/v1/me');
			expect(me.status).toBe(200);
			expect(me.json.id).toBe(learner.id);
			const sessions = await client.get('/api/v1/me/sessions');
			const current = sessions.json.sessions.find((s: { current: boolean }) => s.current);
			expect(current).toMatchObject({ id: res.json.token.split('.')[0], kind: 'api' });
		});

		it('register with session "bearer" returns a token too', async () => {
			const res = await api
				.client()
				.post('/api/v1/auth/register', { email: uniqueEmail('rb'), password: PASSWORD, displayName: 'B', session: 'bearer' });
			expect(res.status).toBe(201);
			expect(res.json.token).toMatch(TOKEN);
			expect(res.headers.getSetCookie()).toEqual([]);
		});
	});

	describe('me', () => {
		it('getMe needs a session: 401 without one', async () => {
			const res = await api.client().get('/api/v1/me');
			expect(res.status).toBe(401);
			expect(res.json.error.code).toBe('unauthorized');
		});

		it('updateMe changes the display name and an IANA time zone, and refuses Mars/Olympus with 400', async () => {
			const learner = await registerLearner(api, 'tz');
			const ok = await learner.client.request('PATCH', '/api/v1/me', { displayName: 'Grace', timezone: 'America/New_York' });
			expect(ok.status).toBe(200);
			expect(ok.json).toMatchObject({ id: learner.id, displayName: 'Grace', timezone: 'America/New_York', tier: 'free' });
			const bad = await learner.client.request('PATCH', '/api/v1/me', { timezone: 'Mars/Olympus' });
			expect(bad.status).toBe(400);
			expect(fields(bad.json)).toEqual(['timezone']);
			const empty = await learner.client.request('PATCH', '/api/v1/me', {});
			expect(empty.status).toBe(400);
			expect((await learner.client.get('/api/v1/me')).json.timezone).toBe('America/New_York');
		});
	});

	describe('logout', () => {
		it('revokes the cookie session: the old cookie no longer works', async () => {
			const learner = await registerLearner(api, 'out');
			const oldCookie = learner.client.cookie;
			const res = await learner.client.post('/api/v1/auth/logout');
			expect(res.status).toBe(200);
			expect(res.json).toEqual({ ok: true });
			const cleared = res.headers.getSetCookie().find((c) => c.startsWith('cc_session='));
			expect(cleared).toMatch(/^cc_session=;/);
			expect(cleared?.toLowerCase()).toMatch(/max-age=0|expires=thu, 01 jan 1970/);
			const replay = api.client();
			replay.cookie = oldCookie;
			expect((await replay.get('/api/v1/me')).status).toBe(401);
		});

		it('revokes a bearer token', async () => {
			const learner = await registerLearner(api, 'outb');
			const client = api.client();
			client.bearer = (await client.post('/api/v1/auth/login', { email: learner.email, password: PASSWORD, session: 'bearer' })).json.token;
			expect((await client.post('/api/v1/auth/logout')).status).toBe(200);
			expect((await client.get('/api/v1/me')).status).toBe(401);
			// The learner's other session is untouched.
			expect((await learner.client.get('/api/v1/me')).status).toBe(200);
		});
	});

	describe('password and sessions', () => {
		it('changePassword keeps the current session and revokes every other one', async () => {
			const learner = await registerLearner(api, 'pw');
			const otherBrowser = api.client();
			await otherBrowser.login(learner.email, PASSWORD);
			const app = api.client();
			app.bearer = (await app.post('/api/v1/auth/login', { email: learner.email, password: PASSWORD, session: 'bearer' })).json.token;

			const wrong = await learner.client.post('/api/v1/me/password', {
				currentPassword: 'not-my-password',
				newPassword: 'another-long-password',
			});
			expect(wrong.status).toBe(400);
			expect(fields(wrong.json)).toEqual(['currentPassword']);
			expect((await app.get('/api/v1/me')).status).toBe(200);

			const weak = await learner.client.post('/api/v1/me/password', { currentPassword: PASSWORD, newPassword: 'short' });
			expect(weak.status).toBe(400);
			expect(fields(weak.json)).toEqual(['newPassword']);

			const res = await learner.client.post('/api/v1/me/password', { currentPassword: PASSWORD, newPassword: 'a-brand-new-password' });
			expect(res.status).toBe(200);
			expect(res.json).toEqual({ ok: true, revokedOtherSessions: true });
			expect((await learner.client.get('/api/v1/me')).status).toBe(200);
			expect((await otherBrowser.get('/api/v1/me')).status).toBe(401);
			expect((await app.get('/api/v1/me')).status).toBe(401);

			expect((await api.client().post('/api/v1/auth/login', { email: learner.email, password: PASSWORD })).status).toBe(401);
			expect((await api.client().post('/api/v1/auth/login', { email: learner.email, password: 'a-brand-new-password' })).status).toBe(200);
		});

		it('listSessions shows the learner’s own sessions; revokeSession ends one of them', async () => {
			const learner = await registerLearner(api, 'ls');
			const second = api.client();
			second.bearer = (await second.post('/api/v1/auth/login', { email: learner.email, password: PASSWORD, session: 'bearer' })).json.token;
			const secondId = second.bearer.split('.')[0];

			const list = await learner.client.get('/api/v1/me/sessions');
			expect(list.status).toBe(200);
			expect(list.json.sessions).toHaveLength(2);
			const current = list.json.sessions.filter((s: { current: boolean }) => s.current);
			expect(current).toHaveLength(1);
			expect(current[0].kind).toBe('browser');
			expect(list.json.sessions.find((s: { id: string }) => s.id === secondId)).toMatchObject({ kind: 'api', current: false });

			const revoked = await learner.client.request('DELETE', `/api/v1/me/sessions/${secondId}`);
			expect(revoked.status).toBe(200);
			expect(revoked.json).toEqual({ ok: true });
			expect((await second.get('/api/v1/me')).status).toBe(401);
			expect((await learner.client.get('/api/v1/me/sessions')).json.sessions).toHaveLength(1);
			const again = await learner.client.request('DELETE', `/api/v1/me/sessions/${secondId}`);
			expect(again.status).toBe(404);
		});

		it('cannot revoke another user’s session: 404, and that session keeps working', async () => {
			const alice = await registerLearner(api, 'alice');
			const bob = await registerLearner(api, 'bob');
			const bobSession = (await bob.client.get('/api/v1/me/sessions')).json.sessions[0].id as string;
			const res = await alice.client.request('DELETE', `/api/v1/me/sessions/${bobSession}`);
			expect(res.status).toBe(404);
			expect(res.json.error.code).toBe('not_found');
			expect((await bob.client.get('/api/v1/me')).status).toBe(200);
			const aliceSessions = (await alice.client.get('/api/v1/me/sessions')).json.sessions as { id: string }[];
			expect(aliceSessions.map((s) => s.id)).not.toContain(bobSession);
		});
	});

	describe('tampered tokens', () => {
		it('answers 401 for a token whose secret was altered, as a bearer token or as a cookie', async () => {
			const learner = await registerLearner(api, 'tamper');
			const token = learner.client.cookie.slice('cc_session='.length);
			const last = token.at(-1) === 'a' ? 'b' : 'a';
			const tampered = token.slice(0, -1) + last;
			const viaBearer = api.client();
			viaBearer.bearer = tampered;
			const viaCookie = api.client();
			viaCookie.cookie = `cc_session=${tampered}`;
			// A bearer token that names no one is invalid_token (RFC 6750 §3.1); a stale cookie just means "sign in".
			const bearer = await viaBearer.get('/api/v1/me');
			expect(bearer.status).toBe(401);
			expect(bearer.json.error.code).toBe('invalid_token');
			expect(bearer.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
			const cookie = await viaCookie.get('/api/v1/me');
			expect(cookie.status).toBe(401);
			expect(cookie.json.error.code).toBe('unauthorized');
			// The real token still works: tampering did not revoke anything.
			expect((await learner.client.get('/api/v1/me')).status).toBe(200);
		});

		it.each(['garbage', 'a.b', `${'a'.repeat(24)}.${'b'.repeat(32)}`, ''])(
			'answers 401 for the malformed or unknown token %j',
			async (token) => {
				const client = api.client();
				client.bearer = token;
				client.cookie = `cc_session=${token}`;
				expect((await client.get('/api/v1/me')).status).toBe(401);
			},
		);
	});

	it('checked every response above against /openapi.json (ConformingClient)', () => {
		expect(api.conformance.checked).toBeGreaterThan(60);
	});
});
