/**
 * What an MCP client (ChatGPT apps, Claude) does: read the authorization-server metadata
 * (RFC 8414), register itself (RFC 7591) as a public client, and use PKCE S256 (RFC 7636).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../../helpers/databases.ts';
import { type RunningServer, startServer } from '../../helpers/server.ts';
import { approve, authorizePath, Browser, bearerGet, type HttpResult, s256 } from './helpers.ts';

const ORIGIN = 'https://course.example';
const CALLBACK = 'http://127.0.0.1:33418/callback';
/** RFC 7636 Appendix B. */
const RFC_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const RFC_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
/** Registrations allowed per address in 15 minutes in this suite (logins share the limiter, not the key). */
const AUTH_LIMIT = 40;

for (const kind of DATABASE_KINDS) {
	describe(`OAuth for MCP clients: metadata, dynamic registration, PKCE (${kind})`, () => {
		let database: TestDatabase;
		let server: RunningServer;
		let base: string;
		let clientId: string;

		const register = (body: unknown, headers: Record<string, string> = {}) =>
			fetch(`${base}/oauth/register`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', ...headers },
				body: typeof body === 'string' ? body : JSON.stringify(body),
			}).then(async (res) => ({ status: res.status, headers: res.headers, json: await res.json().catch(() => undefined) }));

		beforeAll(async () => {
			database = await createTestDatabase(kind);
			server = await startServer({
				databaseUrl: database.url,
				env: {
					PUBLIC_ORIGIN: ORIGIN,
					AUTH_RATE_LIMIT_PER_15_MINUTES: String(AUTH_LIMIT),
					OAUTH_REGISTRATION_RATE_LIMIT_PER_15_MINUTES: String(AUTH_LIMIT),
				},
			});
			base = server.url;
			const res = await register({
				client_name: 'Claude',
				redirect_uris: [CALLBACK, 'https://claude.ai/api/mcp/auth_callback'],
				token_endpoint_auth_method: 'none',
				grant_types: ['authorization_code', 'refresh_token'],
				response_types: ['code'],
			});
			expect(res.status, JSON.stringify(res.json)).toBe(201);
			clientId = res.json.client_id;
		});
		afterAll(async () => {
			await server?.stop();
			await database?.drop();
		});

		const authorize = (overrides: Record<string, string | undefined> = {}) =>
			authorizePath({
				response_type: 'code',
				client_id: clientId,
				redirect_uri: CALLBACK,
				state: 'mcp-state',
				code_challenge: RFC_CHALLENGE,
				code_challenge_method: 'S256',
				...overrides,
			});

		async function getCode(pathname = authorize()): Promise<string> {
			const browser = new Browser(base);
			expect((await browser.signIn(pathname, 'free@demo.test')).status).toBe(303);
			return (await approve(browser, pathname)).searchParams.get('code') as string;
		}

		const exchange = (code: string, fields: Record<string, string | undefined> = {}) => {
			const body: Record<string, string> = {};
			const all = {
				grant_type: 'authorization_code',
				client_id: clientId,
				code,
				redirect_uri: CALLBACK,
				code_verifier: RFC_VERIFIER,
				...fields,
			};
			for (const [k, v] of Object.entries(all)) if (v !== undefined) body[k] = v;
			return fetch(`${base}/oauth/token`, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams(body),
			}).then(async (res) => ({ status: res.status, headers: res.headers, text: '', json: await res.json() }) as HttpResult);
		};

		it('publishes RFC 8414 metadata with the issuer from PUBLIC_ORIGIN', async () => {
			const res = await fetch(`${base}/.well-known/oauth-authorization-server`);
			expect(res.status).toBe(200);
			expect(res.headers.get('content-type')).toMatch(/^application\/json/);
			const meta = await res.json();
			expect(meta).toMatchObject({
				issuer: ORIGIN,
				authorization_endpoint: `${ORIGIN}/oauth/authorize`,
				token_endpoint: `${ORIGIN}/oauth/token`,
				revocation_endpoint: `${ORIGIN}/oauth/revoke`,
				registration_endpoint: `${ORIGIN}/oauth/register`,
				response_types_supported: ['code'],
				grant_types_supported: ['authorization_code', 'refresh_token'],
				code_challenge_methods_supported: ['S256'],
				token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
				scopes_supported: ['course'],
			});
		});

		it('registers a public client: client_id, no secret, the metadata echoed (RFC 7591 §3.2.1)', async () => {
			const res = await register({
				client_name: 'Inspector',
				redirect_uris: ['http://localhost:6274/oauth/callback'],
				token_endpoint_auth_method: 'none',
			});
			expect(res.status).toBe(201);
			expect(res.headers.get('cache-control')).toBe('no-store');
			expect(res.json).toMatchObject({
				client_id: expect.any(String),
				client_name: 'Inspector',
				redirect_uris: ['http://localhost:6274/oauth/callback'],
				token_endpoint_auth_method: 'none',
				response_types: ['code'],
			});
			expect(res.json.client_secret).toBeUndefined();
			expect(res.json.client_id_issued_at).toBeGreaterThan(1_700_000_000);
		});

		it('registers a confidential client when no method is given (RFC 7591 default client_secret_basic)', async () => {
			const res = await register({ client_name: 'Server app', redirect_uris: ['https://app.example/cb'] });
			expect(res.status).toBe(201);
			expect(res.json.token_endpoint_auth_method).toBe('client_secret_basic');
			expect(res.json.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
			expect(res.json.client_secret_expires_at).toBe(0);
		});

		it('refuses bad registrations with invalid_redirect_uri / invalid_client_metadata', async () => {
			const cases: [unknown, string][] = [
				[{ client_name: 'x', redirect_uris: ['http://evil.example/cb'] }, 'invalid_redirect_uri'],
				[{ client_name: 'x', redirect_uris: ['https://app.example/cb#frag'] }, 'invalid_redirect_uri'],
				[{ client_name: 'x', redirect_uris: ['not a url'] }, 'invalid_redirect_uri'],
				[{ client_name: 'x', redirect_uris: [] }, 'invalid_redirect_uri'],
				[{ client_name: 'x' }, 'invalid_redirect_uri'],
				[{ redirect_uris: ['https://app.example/cb'], token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata'],
				[{ redirect_uris: ['https://app.example/cb'], grant_types: ['implicit'] }, 'invalid_client_metadata'],
				[{ redirect_uris: ['https://app.example/cb'], response_types: ['token'] }, 'invalid_client_metadata'],
				[{ redirect_uris: ['https://app.example/cb'], scope: 'admin' }, 'invalid_client_metadata'],
				['[1, 2]', 'invalid_client_metadata'],
			];
			for (const [body, error] of cases) {
				const res = await register(body);
				expect(res.status, JSON.stringify(body)).toBe(400);
				expect(res.json.error, JSON.stringify(body)).toBe(error);
			}
		});

		it('completes the PKCE flow with the RFC 7636 Appendix B verifier, then refreshes as a public client', async () => {
			expect(s256(RFC_VERIFIER)).toBe(RFC_CHALLENGE);
			const token = await exchange(await getCode());
			expect(token.status, JSON.stringify(token.json)).toBe(200);
			expect(token.json.token_type).toBe('bearer');
			expect((await bearerGet(base, '/api/v1/me', token.json.access_token)).json.email).toBe('free@demo.test');

			const refreshed = await fetch(`${base}/oauth/token`, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({ grant_type: 'refresh_token', client_id: clientId, refresh_token: token.json.refresh_token }),
			});
			expect(refreshed.status).toBe(200);
			const next = await refreshed.json();
			expect((await bearerGet(base, '/api/v1/me', next.access_token)).status).toBe(200);

			const revoked = await fetch(`${base}/oauth/revoke`, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({ client_id: clientId, token: next.refresh_token }),
			});
			expect(revoked.status).toBe(200);
			expect((await bearerGet(base, '/api/v1/me', next.access_token)).status).toBe(401);
		});

		it('refuses a wrong code_verifier with invalid_grant, and the code is then spent', async () => {
			const code = await getCode();
			const wrong = await exchange(code, { code_verifier: 'x'.repeat(43) });
			expect(wrong.status).toBe(400);
			expect(wrong.json.error).toBe('invalid_grant');
			expect((await exchange(code)).json.error).toBe('invalid_grant');
		});

		it('refuses a malformed code_verifier (too short) with invalid_grant', async () => {
			const res = await exchange(await getCode(), { code_verifier: 'short' });
			expect(res.status).toBe(400);
			expect(res.json.error).toBe('invalid_grant');
		});

		it('refuses a missing code_verifier with invalid_grant', async () => {
			const res = await exchange(await getCode(), { code_verifier: undefined });
			expect(res.status).toBe(400);
			expect(res.json.error).toBe('invalid_grant');
		});

		it('refuses the plain method, a missing method, and a public client without PKCE at the authorization endpoint', async () => {
			const cases: Record<string, string | undefined>[] = [
				{ code_challenge_method: 'plain', code_challenge: RFC_VERIFIER },
				{ code_challenge_method: undefined },
				{ code_challenge: undefined, code_challenge_method: undefined },
				{ code_challenge: 'too-short' },
			];
			for (const overrides of cases) {
				const res = await new Browser(base).get(authorize(overrides));
				expect(res.status, JSON.stringify(overrides)).toBe(302);
				const location = new URL(res.headers.get('location') as string);
				expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
				expect(location.searchParams.get('error')).toBe('invalid_request');
				expect(location.searchParams.get('state')).toBe('mcp-state');
			}
		});

		it('does not let a public client authenticate with a made-up secret', async () => {
			const res = await exchange(await getCode(), { client_secret: 'anything' });
			expect(res.status).toBe(401);
			expect(res.json.error).toBe('invalid_client');
		});

		it('rate-limits dynamic registration per address', async () => {
			let status = 0;
			for (let i = 0; i < AUTH_LIMIT + 1 && status !== 429; i++) {
				status = (await register({ client_name: `bulk ${i}`, redirect_uris: ['https://app.example/cb'] })).status;
			}
			expect(status).toBe(429);
			const res = await register({ client_name: 'one more', redirect_uris: ['https://app.example/cb'] });
			expect(res.status).toBe(429);
			expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
			// RFC 7591 §3.2.2 / RFC 6749 §5.2 shape, so an OAuth client can read it.
			expect(res.json).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });
		});
	});
}
