/**
 * The dance a ChatGPT custom GPT (Actions, OAuth) performs, against the real server: a confidential
 * client registered with the CLI, authorization code without PKCE, server-to-server token calls
 * with no Origin header; then refresh rotation, revocation, and each refusal RFC 6749 asks for.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../../helpers/databases.ts';
import { type RunningServer, startServer } from '../../helpers/server.ts';
import {
	addClientWithCli,
	approve,
	authorizePath,
	Browser,
	bearerGet,
	CHATGPT_REDIRECT,
	type HttpResult,
	type RegisteredClient,
	serverPost,
} from './helpers.ts';

for (const kind of DATABASE_KINDS) {
	describe(`OAuth for a ChatGPT custom GPT (${kind})`, () => {
		let database: TestDatabase;
		let dataDir: string;
		let server: RunningServer;
		let client: RegisteredClient;
		let other: RegisteredClient;
		let base: string;

		beforeAll(async () => {
			database = await createTestDatabase(kind);
			dataDir = mkdtempSync(path.join(os.tmpdir(), 'cc-oauth-'));
			// The CLI runs before the server: with PGlite the server then holds the database's lock.
			client = await addClientWithCli({ dataDir, databaseUrl: database.url, name: 'ChatGPT', redirectUris: [CHATGPT_REDIRECT] });
			other = await addClientWithCli({
				dataDir,
				databaseUrl: database.url,
				name: 'Other app',
				redirectUris: ['https://other.example/callback'],
			});
			// No refresh grace window here: an immediate replay is a replay (interop.test.ts covers the window).
			server = await startServer({
				dataDir,
				databaseUrl: database.url,
				env: { PUBLIC_ORIGIN: 'https://course.example', OAUTH_REFRESH_GRACE_SECONDS: '0' },
			});
			base = server.url;
		});
		afterAll(async () => {
			await server?.stop();
			await database?.drop();
			if (dataDir) rmSync(dataDir, { recursive: true, force: true });
		});

		const authorize = (overrides: Record<string, string | undefined> = {}) =>
			authorizePath({
				response_type: 'code',
				client_id: client.client_id,
				redirect_uri: CHATGPT_REDIRECT,
				state: 'state-from-chatgpt_123',
				scope: 'course',
				...overrides,
			});

		/** Signs in as the given learner and approves; returns the code from the redirect. */
		async function getCode(email = 'free@demo.test', pathname = authorize()): Promise<string> {
			const browser = new Browser(base);
			const signIn = await browser.signIn(pathname, email);
			expect(signIn.status).toBe(303);
			const location = await approve(browser, pathname);
			return location.searchParams.get('code') as string;
		}

		/** ChatGPT's exchange: client_secret_post, form-encoded, no Origin. */
		const exchange = (code: string, overrides: Record<string, string> = {}) =>
			serverPost(base, '/oauth/token', {
				grant_type: 'authorization_code',
				client_id: client.client_id,
				client_secret: client.client_secret as string,
				code,
				redirect_uri: CHATGPT_REDIRECT,
				...overrides,
			});

		function expectOAuthError(res: HttpResult, status: number, error: string) {
			expect(res.status, res.text).toBe(status);
			expect(res.json.error).toBe(error);
			expect(typeof res.json.error_description).toBe('string');
			expect(res.headers.get('cache-control')).toBe('no-store');
		}

		it('runs the whole dance: login form, consent, code with the same state, tokens, API call', async () => {
			const browser = new Browser(base);
			const pathname = authorize();

			const first = await browser.get(pathname);
			expect(first.status).toBe(200);
			expect(first.headers.get('cache-control')).toBe('no-store');
			expect(first.text).toContain('Sign in to connect “ChatGPT”');
			expect(first.text).toMatch(/<form method="post" action="\/oauth\/authorize\?[^"]+"/);
			expect(first.text).toContain('name="password"');
			expect(first.text).toContain(`/register?next=${encodeURIComponent(pathname)}`);

			const signIn = await browser.signIn(pathname, 'premium@demo.test');
			expect(signIn.status).toBe(303);
			expect(signIn.headers.get('location')).toBe(pathname);

			const consent = await browser.get(pathname);
			expect(consent.status).toBe(200);
			expect(consent.text).toContain('Allow “ChatGPT” to use your course account?');
			expect(consent.text).toContain('premium@demo.test');
			expect(consent.text).toContain('Read the course');
			expect(consent.text).toContain('Record your progress');
			expect(consent.text).toContain('chatgpt.com');
			// The Allow button's redirect must pass the page's CSP form-action.
			expect(consent.headers.get('content-security-policy')).toContain("form-action 'self' https://chatgpt.com");
			expect(consent.text).not.toMatch(/<script(?![^>]*src=)[^>]*>/);
			expect(consent.text).not.toMatch(/\sstyle="/);

			const location = await approve(browser, pathname);
			expect(`${location.origin}${location.pathname}`).toBe(CHATGPT_REDIRECT);
			expect(location.searchParams.get('state')).toBe('state-from-chatgpt_123');
			expect(location.searchParams.get('iss')).toBe('https://course.example');
			const code = location.searchParams.get('code') as string;
			expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);

			const token = await exchange(code);
			expect(token.status, token.text).toBe(200);
			expect(token.headers.get('cache-control')).toBe('no-store');
			expect(token.headers.get('pragma')).toBe('no-cache');
			expect(token.headers.get('content-type')).toMatch(/^application\/json/);
			expect(token.json).toEqual({
				access_token: expect.any(String),
				token_type: 'bearer',
				expires_in: expect.any(Number),
				refresh_token: expect.any(String),
				scope: 'course',
			});
			expect(token.json.expires_in).toBeGreaterThan(0);

			const me = await bearerGet(base, '/api/v1/me', token.json.access_token);
			expect(me.status).toBe(200);
			expect(me.json.email).toBe('premium@demo.test');

			// The learner sees the connection among their sessions, named after the app…
			const sessions = await browser.get('/api/v1/me/sessions');
			const apps = sessions.json.sessions.filter(
				(s: { kind: string; clientId: string }) => s.kind === 'oauth' && s.clientId === client.client_id,
			);
			expect(apps.length).toBeGreaterThan(0);
			expect(apps[0]).toMatchObject({ kind: 'oauth', label: 'ChatGPT', clientId: client.client_id });
			// …while the app itself may not manage the learner's sessions.
			const fromApp = await bearerGet(base, '/api/v1/me/sessions', token.json.access_token);
			expect(fromApp.status).toBe(403);
			expect(fromApp.json.error.code).toBe('insufficient_scope');
		});

		it('accepts a JSON token request too', async () => {
			const code = await getCode();
			const res = await serverPost(
				base,
				'/oauth/token',
				{
					grant_type: 'authorization_code',
					client_id: client.client_id,
					client_secret: client.client_secret as string,
					code,
					redirect_uri: CHATGPT_REDIRECT,
				},
				{ json: true },
			);
			expect(res.status, res.text).toBe(200);
			expect(res.json.token_type).toBe('bearer');
		});

		it('rotates tokens on refresh (client_secret_basic): the new pair works, the old access token is gone', async () => {
			const first = (await exchange(await getCode())).json;
			const res = await serverPost(
				base,
				'/oauth/token',
				{ grant_type: 'refresh_token', refresh_token: first.refresh_token },
				{ basic: [client.client_id, client.client_secret as string] },
			);
			expect(res.status, res.text).toBe(200);
			expect(res.json.token_type).toBe('bearer');
			expect(res.json.access_token).not.toBe(first.access_token);
			expect(res.json.refresh_token).not.toBe(first.refresh_token);
			expect((await bearerGet(base, '/api/v1/me', res.json.access_token)).status).toBe(200);
			expect((await bearerGet(base, '/api/v1/me', first.access_token)).status).toBe(401);

			// And again with the new refresh token (rotation keeps working down the chain).
			const again = await serverPost(
				base,
				'/oauth/token',
				{ grant_type: 'refresh_token', refresh_token: res.json.refresh_token },
				{ basic: [client.client_id, client.client_secret as string] },
			);
			expect(again.status, again.text).toBe(200);
		});

		it('refuses a reused refresh token and revokes the whole grant (RFC 6819 §5.2.2.3)', async () => {
			const first = (await exchange(await getCode())).json;
			const refreshWith = (refreshToken: string) =>
				serverPost(base, '/oauth/token', {
					grant_type: 'refresh_token',
					refresh_token: refreshToken,
					client_id: client.client_id,
					client_secret: client.client_secret as string,
				});
			const second = await refreshWith(first.refresh_token);
			expect(second.status).toBe(200);

			const replay = await refreshWith(first.refresh_token);
			expectOAuthError(replay, 400, 'invalid_grant');
			// The legitimate holder's newest tokens are revoked as well.
			expect((await bearerGet(base, '/api/v1/me', second.json.access_token)).status).toBe(401);
			expectOAuthError(await refreshWith(second.json.refresh_token), 400, 'invalid_grant');
		});

		it('revokes an access token (RFC 7009): 200, the token stops working, its refresh token too', async () => {
			const tokens = (await exchange(await getCode())).json;
			const res = await serverPost(
				base,
				'/oauth/revoke',
				{ token: tokens.access_token, token_type_hint: 'access_token' },
				{ basic: [client.client_id, client.client_secret as string] },
			);
			expect(res.status, res.text).toBe(200);
			expect((await bearerGet(base, '/api/v1/me', tokens.access_token)).status).toBe(401);
			const refresh = await serverPost(
				base,
				'/oauth/token',
				{ grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
				{ basic: [client.client_id, client.client_secret as string] },
			);
			expectOAuthError(refresh, 400, 'invalid_grant');
			// Revoking again, or revoking nonsense, is not an error (§2.2).
			const again = await serverPost(base, '/oauth/revoke', {
				token: tokens.access_token,
				client_id: client.client_id,
				client_secret: client.client_secret as string,
			});
			expect(again.status).toBe(200);
		});

		it('revokes a refresh token and the access token of the same grant', async () => {
			const tokens = (await exchange(await getCode())).json;
			const res = await serverPost(base, '/oauth/revoke', {
				token: tokens.refresh_token,
				token_type_hint: 'refresh_token',
				client_id: client.client_id,
				client_secret: client.client_secret as string,
			});
			expect(res.status).toBe(200);
			expect((await bearerGet(base, '/api/v1/me', tokens.access_token)).status).toBe(401);
		});

		it('refuses to revoke another client’s token, and requires client authentication', async () => {
			const tokens = (await exchange(await getCode())).json;
			const foreign = await serverPost(base, '/oauth/revoke', {
				token: tokens.access_token,
				client_id: other.client_id,
				client_secret: other.client_secret as string,
			});
			expectOAuthError(foreign, 400, 'unauthorized_client');
			expect((await bearerGet(base, '/api/v1/me', tokens.access_token)).status).toBe(200);
			const anonymous = await serverPost(base, '/oauth/revoke', { token: tokens.access_token });
			expectOAuthError(anonymous, 401, 'invalid_client');
		});

		it('disconnecting the app from the learner’s account revokes its refresh token too', async () => {
			const learner = new Browser(base);
			const signedIn = await learner.postForm('/login', { email: 'free@demo.test', password: 'learn-with-chatgpt', next: '/' });
			expect(signedIn.status).toBe(303);
			const idsOf = async () =>
				new Set(
					((await learner.get('/api/v1/me/sessions')).json.sessions as { id: string; kind: string }[])
						.filter((s) => s.kind === 'oauth')
						.map((s) => s.id),
				);
			const before = await idsOf();
			const tokens = (await exchange(await getCode())).json;
			const added = [...(await idsOf())].filter((id) => !before.has(id));
			expect(added).toHaveLength(1);
			// The learner disconnects the app from their account page (cookie session, same origin).
			const res = await fetch(`${base}/api/v1/me/sessions/${added[0]}`, {
				method: 'DELETE',
				headers: { cookie: learner.cookie, origin: base },
			});
			expect(res.status).toBe(200);
			expect((await bearerGet(base, '/api/v1/me', tokens.access_token)).status).toBe(401);
			const refresh = await serverPost(
				base,
				'/oauth/token',
				{ grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
				{ basic: [client.client_id, client.client_secret as string] },
			);
			expectOAuthError(refresh, 400, 'invalid_grant');
		});

		it('shows an error page (400, no redirect) for an unregistered redirect_uri', async () => {
			for (const redirect of ['https://evil.example/callback', `${CHATGPT_REDIRECT}/extra`, `${CHATGPT_REDIRECT}?x=1`, undefined]) {
				const res = await new Browser(base).get(authorize({ redirect_uri: redirect }));
				expect(res.status).toBe(400);
				expect(res.headers.get('location')).toBeNull();
				expect(res.text).not.toContain('evil.example');
				expect(res.text).toContain('error-summary');
			}
		});

		it('shows an error page for an unknown or missing client_id', async () => {
			for (const clientId of ['no-such-client', undefined]) {
				const res = await new Browser(base).get(authorize({ client_id: clientId }));
				expect(res.status).toBe(400);
				expect(res.headers.get('location')).toBeNull();
			}
		});

		it('refuses a request without state on an error page (ChatGPT always sends one)', async () => {
			const res = await new Browser(base).get(authorize({ state: undefined }));
			expect(res.status).toBe(400);
			expect(res.headers.get('location')).toBeNull();
			expect(res.text).toContain('state');
		});

		it('sends other request errors back to the client with the state (RFC 6749 §4.1.2.1)', async () => {
			const cases: [Record<string, string | undefined>, string][] = [
				[{ response_type: 'token' }, 'unsupported_response_type'],
				[{ response_type: undefined }, 'invalid_request'],
				[{ scope: 'admin' }, 'invalid_scope'],
			];
			for (const [overrides, error] of cases) {
				const res = await new Browser(base).get(authorize(overrides));
				expect(res.status).toBe(302);
				const location = new URL(res.headers.get('location') as string);
				expect(`${location.origin}${location.pathname}`).toBe(CHATGPT_REDIRECT);
				expect(location.searchParams.get('error')).toBe(error);
				expect(location.searchParams.get('state')).toBe('state-from-chatgpt_123');
			}
		});

		it('redirects with error=access_denied and the state when the learner denies', async () => {
			const browser = new Browser(base);
			const pathname = authorize();
			await browser.signIn(pathname, 'free@demo.test');
			const res = await browser.postForm(pathname, { intent: 'deny' });
			expect(res.status).toBe(302);
			const location = new URL(res.headers.get('location') as string);
			expect(location.searchParams.get('error')).toBe('access_denied');
			expect(location.searchParams.get('state')).toBe('state-from-chatgpt_123');
			expect(location.searchParams.get('code')).toBeNull();
		});

		it('shows the login form again after a wrong password, and issues no code without a session', async () => {
			const browser = new Browser(base);
			const pathname = authorize();
			const wrong = await browser.signIn(pathname, 'free@demo.test', 'not-the-password');
			expect(wrong.status).toBe(401);
			expect(wrong.text).toContain('Email or password is incorrect.');
			expect(browser.cookie).toBe('');
			const approveWithoutSession = await browser.postForm(pathname, { intent: 'approve' });
			expect(approveWithoutSession.status).toBe(401);
			expect(approveWithoutSession.headers.get('location')).toBeNull();
		});

		it('refuses a cross-site consent post (CSRF) and never lets a bearer token approve', async () => {
			const browser = new Browser(base);
			const pathname = authorize();
			await browser.signIn(pathname, 'free@demo.test');
			const crossSite = await browser.postForm(
				pathname,
				{ intent: 'approve' },
				{ origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
			);
			expect(crossSite.status).toBe(403);

			// An app's access token (sent as a bearer) must not mint a grant for another app.
			const tokens = (await exchange(await getCode())).json;
			const res = await fetch(
				base +
					authorizePath({ response_type: 'code', client_id: other.client_id, redirect_uri: 'https://other.example/callback', state: 's' }),
				{
					method: 'POST',
					headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/x-www-form-urlencoded' },
					body: 'intent=approve',
					redirect: 'manual',
				},
			);
			expect(res.status).toBe(401);
			expect(res.headers.get('location')).toBeNull();
		});

		it('refuses a redirect_uri at the token endpoint that differs from the authorization request (invalid_grant)', async () => {
			const code = await getCode();
			expectOAuthError(await exchange(code, { redirect_uri: 'https://chatgpt.com/aip/g-other/oauth/callback' }), 400, 'invalid_grant');
			// The code was consumed by the failed attempt.
			expectOAuthError(await exchange(code), 400, 'invalid_grant');
			expectOAuthError(await exchange(await getCode(), { redirect_uri: '' }), 400, 'invalid_request');
		});

		it('refuses a reused code and revokes the tokens issued from it (RFC 6749 §4.1.2)', async () => {
			const code = await getCode();
			const first = await exchange(code);
			expect(first.status).toBe(200);
			expect((await bearerGet(base, '/api/v1/me', first.json.access_token)).status).toBe(200);
			expectOAuthError(await exchange(code), 400, 'invalid_grant');
			expect((await bearerGet(base, '/api/v1/me', first.json.access_token)).status).toBe(401);
			const refresh = await serverPost(
				base,
				'/oauth/token',
				{ grant_type: 'refresh_token', refresh_token: first.json.refresh_token },
				{ basic: [client.client_id, client.client_secret as string] },
			);
			expectOAuthError(refresh, 400, 'invalid_grant');
		});

		it('refuses an unknown code and a code issued to another client', async () => {
			expectOAuthError(await exchange('A'.repeat(43)), 400, 'invalid_grant');
			const code = await getCode();
			const res = await serverPost(base, '/oauth/token', {
				grant_type: 'authorization_code',
				client_id: other.client_id,
				client_secret: other.client_secret as string,
				code,
				redirect_uri: CHATGPT_REDIRECT,
			});
			expectOAuthError(res, 400, 'invalid_grant');
		});

		it('answers a wrong or missing client secret with 401 invalid_client and a Basic challenge', async () => {
			const code = await getCode();
			const post = await exchange(code, { client_secret: 'wrong-secret' });
			expectOAuthError(post, 401, 'invalid_client');
			expect(post.headers.get('www-authenticate')).toMatch(/^Basic /);

			const basic = await serverPost(
				base,
				'/oauth/token',
				{ grant_type: 'authorization_code', code, redirect_uri: CHATGPT_REDIRECT },
				{ basic: [client.client_id, 'wrong-secret'] },
			);
			expectOAuthError(basic, 401, 'invalid_client');
			expect(basic.headers.get('www-authenticate')).toMatch(/^Basic /);

			const missing = await serverPost(base, '/oauth/token', {
				grant_type: 'authorization_code',
				client_id: client.client_id,
				code,
				redirect_uri: CHATGPT_REDIRECT,
			});
			expectOAuthError(missing, 401, 'invalid_client');
			const unknown = await exchange(code, { client_id: 'nobody' });
			expectOAuthError(unknown, 401, 'invalid_client');
			// A failed client authentication does not consume the code.
			expect((await exchange(code)).status).toBe(200);
		});

		it('refuses two client authentication methods at once (RFC 6749 §2.3)', async () => {
			const res = await serverPost(
				base,
				'/oauth/token',
				{ grant_type: 'authorization_code', code: 'x', redirect_uri: CHATGPT_REDIRECT, client_secret: client.client_secret as string },
				{ basic: [client.client_id, client.client_secret as string] },
			);
			expectOAuthError(res, 400, 'invalid_request');
		});

		it('answers an unsupported grant type with unsupported_grant_type, a missing one with invalid_request', async () => {
			const creds = { client_id: client.client_id, client_secret: client.client_secret as string };
			expectOAuthError(
				await serverPost(base, '/oauth/token', { grant_type: 'password', username: 'a', password: 'b', ...creds }),
				400,
				'unsupported_grant_type',
			);
			expectOAuthError(
				await serverPost(base, '/oauth/token', { grant_type: 'client_credentials', ...creds }),
				400,
				'unsupported_grant_type',
			);
			expectOAuthError(await serverPost(base, '/oauth/token', { ...creds }), 400, 'invalid_request');
		});

		it('refuses a repeated parameter, a non-form body, and GET on the token endpoint', async () => {
			const repeated = await fetch(`${base}/oauth/token`, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: `grant_type=authorization_code&grant_type=refresh_token&client_id=${client.client_id}&client_secret=${client.client_secret}`,
			});
			expect(repeated.status).toBe(400);
			expect((await repeated.json()).error).toBe('invalid_request');
			const text = await serverPost(base, '/oauth/token', {}, { headers: { 'content-type': 'text/plain' } });
			expectOAuthError(text, 400, 'invalid_request');
			const get = await fetch(`${base}/oauth/token`);
			expect(get.status).toBe(405);
		});

		it('lets a refresh narrow but not widen the scope', async () => {
			const tokens = (await exchange(await getCode())).json;
			const widen = await serverPost(
				base,
				'/oauth/token',
				{ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, scope: 'course admin' },
				{ basic: [client.client_id, client.client_secret as string] },
			);
			expectOAuthError(widen, 400, 'invalid_scope');
			// A refused scope does not consume the refresh token.
			const same = await serverPost(
				base,
				'/oauth/token',
				{ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, scope: 'course' },
				{ basic: [client.client_id, client.client_secret as string] },
			);
			expect(same.status, same.text).toBe(200);
			expect(same.json.scope).toBe('course');
		});

		it('refuses a refresh token presented by another client without burning it', async () => {
			const tokens = (await exchange(await getCode())).json;
			const foreign = await serverPost(base, '/oauth/token', {
				grant_type: 'refresh_token',
				refresh_token: tokens.refresh_token,
				client_id: other.client_id,
				client_secret: other.client_secret as string,
			});
			expectOAuthError(foreign, 400, 'invalid_grant');
			const own = await serverPost(
				base,
				'/oauth/token',
				{ grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
				{ basic: [client.client_id, client.client_secret as string] },
			);
			expect(own.status).toBe(200);
		});
	});
}
