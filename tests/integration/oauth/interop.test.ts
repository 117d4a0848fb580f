/**
 * OAuth 2.1 interop driven by panva's oauth4webapi (strict by default): discovery, dynamic
 * registration, PKCE without `state`, a loopback redirect on another port (RFC 8252 §7.3), RFC 8707
 * resource binding, parallel refreshes within the grace window and reuse after it, RFC 6749 error
 * bodies for 429s, CORS, and WWW-Authenticate on REST 401s. PUBLIC_ORIGIN is the real address, so
 * the issuer oauth4webapi checks is the one it talks to.
 */
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../../helpers/databases.ts';
import { type RunningServer, startServer } from '../../helpers/server.ts';
import { approve, Browser, freePort } from './helpers.ts';

const REGISTERED = 'http://127.0.0.1:33418/callback';
const LISTENING = 'http://127.0.0.1:40123/callback';
/** Short, so reuse after the window can be shown; parallel refreshes land well inside it. */
const GRACE_SECONDS = 3;
const insecure = { [oauth.allowInsecureRequests]: true } as const;

async function discover(origin: string): Promise<oauth.AuthorizationServer> {
	const issuer = new URL(origin);
	return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
}

for (const kind of DATABASE_KINDS) {
	describe(`${kind}: OAuth interop with oauth4webapi`, () => {
		let database: TestDatabase;
		let server: RunningServer;
		let origin: string;
		let as: oauth.AuthorizationServer;
		let client: oauth.Client;

		beforeAll(async () => {
			database = await createTestDatabase(kind);
			const port = await freePort();
			origin = `http://127.0.0.1:${port}`;
			server = await startServer({
				databaseUrl: database.url,
				env: { PORT: String(port), PUBLIC_ORIGIN: origin, OAUTH_REFRESH_GRACE_SECONDS: String(GRACE_SECONDS) },
			});
			as = await discover(origin);
			const registered = await oauth.processDynamicClientRegistrationResponse(
				await oauth.dynamicClientRegistrationRequest(
					as,
					{ client_name: 'oauth4webapi', redirect_uris: [REGISTERED], token_endpoint_auth_method: 'none' },
					insecure,
				),
			);
			client = { client_id: registered.client_id, token_endpoint_auth_method: 'none' };
		});
		afterAll(async () => {
			const code = await server?.stop();
			await database?.drop();
			expect(code).toBe(0);
		});

		/** Authorization URL → sign-in and consent on the real pages → the callback URL. */
		async function authorize(params: Record<string, string>): Promise<{ callback: URL; verifier: string }> {
			const verifier = oauth.generateRandomCodeVerifier();
			const url = new URL(as.authorization_endpoint as string);
			url.search = new URLSearchParams({
				response_type: 'code',
				client_id: client.client_id,
				redirect_uri: LISTENING,
				code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
				code_challenge_method: 'S256',
				scope: 'course',
				...params,
			}).toString();
			const browser = new Browser(origin);
			const page = `${url.pathname}${url.search}`;
			const first = await browser.get(page);
			if (first.status === 302) return { callback: new URL(first.headers.get('location') as string), verifier };
			expect((await browser.signIn(page, 'free@demo.test')).status).toBe(303);
			return { callback: await approve(browser, page), verifier };
		}

		async function link(resource?: string): Promise<oauth.TokenEndpointResponse> {
			const { callback, verifier } = await authorize(resource ? { resource } : {});
			const params = oauth.validateAuthResponse(as, client, callback, oauth.expectNoState);
			const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, LISTENING, verifier, {
				...insecure,
				...(resource ? { additionalParameters: { resource } } : {}),
			});
			return oauth.processAuthorizationCodeResponse(as, client, response);
		}

		const refresh = async (token: string) =>
			oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), token, insecure));

		const mcpCall = (token: string) =>
			fetch(`${origin}/mcp`, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					accept: 'application/json, text/event-stream',
					authorization: `Bearer ${token}`,
				},
				body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'getMe', arguments: {} } }),
			});

		it('links with PKCE and no state, on a loopback port other than the registered one', async () => {
			const tokens = await link();
			expect(tokens.token_type).toBe('bearer');
			const me = await fetch(`${origin}/api/v1/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
			expect(me.status).toBe(200);
		});

		it('still requires state from a client without PKCE', async () => {
			const url = `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: LISTENING })}`;
			const res = await new Browser(origin).get(url);
			expect(res.status).toBe(400);
			expect(res.text).toContain('state');
		});

		it('refuses another loopback host or path even on the free port rule', async () => {
			for (const redirect of ['http://localhost:40123/callback', 'http://127.0.0.1:40123/other']) {
				const url = `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: redirect, state: 's' })}`;
				expect((await new Browser(origin).get(url)).status, redirect).toBe(400);
			}
		});

		it('binds a token to the resource it was asked for (RFC 8707) and refuses it elsewhere', async () => {
			const mcp = await link(`${origin}/mcp`);
			expect((await mcpCall(mcp.access_token)).status).toBe(200);
			const rest = await fetch(`${origin}/api/v1/me`, { headers: { authorization: `Bearer ${mcp.access_token}` } });
			expect(rest.status).toBe(401);
			expect(rest.headers.get('www-authenticate')).toContain('error="invalid_token"');

			const site = await link(origin);
			expect((await fetch(`${origin}/api/v1/me`, { headers: { authorization: `Bearer ${site.access_token}` } })).status).toBe(200);
			const onMcp = await mcpCall(site.access_token);
			expect(onMcp.status).toBe(401);
			expect(onMcp.headers.get('www-authenticate')).toContain('error="invalid_token"');

			// The binding survives a refresh.
			const renewed = await refresh(mcp.refresh_token as string);
			expect((await mcpCall(renewed.access_token)).status).toBe(200);
			expect((await fetch(`${origin}/api/v1/me`, { headers: { authorization: `Bearer ${renewed.access_token}` } })).status).toBe(401);
		});

		it('refuses a foreign resource at the authorization endpoint and at the token endpoint with invalid_target', async () => {
			const { callback } = await authorize({ resource: 'https://evil.example/mcp' });
			expect(() => oauth.validateAuthResponse(as, client, callback, oauth.expectNoState)).toThrow(oauth.AuthorizationResponseError);
			try {
				oauth.validateAuthResponse(as, client, callback, oauth.expectNoState);
			} catch (error) {
				expect((error as oauth.AuthorizationResponseError).error).toBe('invalid_target');
			}

			const { callback: ok, verifier } = await authorize({ resource: `${origin}/mcp` });
			const params = oauth.validateAuthResponse(as, client, ok, oauth.expectNoState);
			const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, LISTENING, verifier, {
				...insecure,
				additionalParameters: { resource: 'https://evil.example/mcp' },
			});
			const error = await oauth.processAuthorizationCodeResponse(as, client, response).then(
				() => null,
				(e: unknown) => e,
			);
			expect(error).toBeInstanceOf(oauth.ResponseBodyError);
			expect((error as oauth.ResponseBodyError).error).toBe('invalid_target');
		});

		it('two parallel refreshes with one refresh token both succeed with the same new pair; the learner stays connected', async () => {
			for (let round = 0; round < 3; round++) {
				const tokens = await link(`${origin}/mcp`);
				const [a, b] = await Promise.all([refresh(tokens.refresh_token as string), refresh(tokens.refresh_token as string)]);
				expect(b.access_token).toBe(a.access_token);
				expect(b.refresh_token).toBe(a.refresh_token);
				expect((await mcpCall(a.access_token)).status).toBe(200);
				// The pair keeps rotating normally afterwards.
				const next = await refresh(a.refresh_token as string);
				expect((await mcpCall(next.access_token)).status).toBe(200);
			}
		});

		it('revokes through oauth4webapi (RFC 7009): the refresh token ends the grant, the access token stops working on /mcp', async () => {
			const tokens = await link(`${origin}/mcp`);
			expect((await mcpCall(tokens.access_token)).status).toBe(200);
			const response = await oauth.revocationRequest(as, client, oauth.None(), tokens.refresh_token as string, insecure);
			await oauth.processRevocationResponse(response);
			expect((await mcpCall(tokens.access_token)).status).toBe(401);
			const error = await refresh(tokens.refresh_token as string).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(oauth.ResponseBodyError);
			expect((error as oauth.ResponseBodyError).error).toBe('invalid_grant');
			// Revoking what is already revoked (or never was a token) is still a 200 (RFC 7009 §2.2).
			await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, oauth.None(), 'not-a-token', insecure));
		});

		it('reuse of a rotated refresh token after the grace window revokes the grant (RFC 9700)', async () => {
			const tokens = await link(`${origin}/mcp`);
			const rotated = await refresh(tokens.refresh_token as string);
			await new Promise((r) => setTimeout(r, (GRACE_SECONDS + 1) * 1000));
			const error = await refresh(tokens.refresh_token as string).then(
				() => null,
				(e: unknown) => e,
			);
			expect(error).toBeInstanceOf(oauth.ResponseBodyError);
			expect((error as oauth.ResponseBodyError).error).toBe('invalid_grant');
			expect((await mcpCall(rotated.access_token)).status).toBe(401);
			await expect(refresh(rotated.refresh_token as string)).rejects.toBeInstanceOf(oauth.ResponseBodyError);
		}, 20_000);

		it('answers CORS preflights on registration, token and revocation, without credentials', async () => {
			for (const pathname of ['/oauth/register', '/oauth/token', '/oauth/revoke']) {
				const res = await fetch(`${origin}${pathname}`, {
					method: 'OPTIONS',
					headers: {
						origin: 'https://app.example',
						'access-control-request-method': 'POST',
						'access-control-request-headers': 'content-type',
					},
				});
				expect(res.status, pathname).toBe(204);
				expect(res.headers.get('access-control-allow-origin')).toBe('*');
				expect(res.headers.get('access-control-allow-credentials')).toBeNull();
				expect(res.headers.get('access-control-allow-methods')).toBe('POST');
			}
			const error = await fetch(`${origin}/oauth/token`, {
				method: 'POST',
				headers: { origin: 'https://app.example', 'content-type': 'application/x-www-form-urlencoded' },
				body: 'grant_type=refresh_token',
			});
			expect(error.status).toBe(401);
			expect(error.headers.get('access-control-allow-origin')).toBe('*');
		});

		it('puts WWW-Authenticate on REST 401s and treats a bad token on an optional endpoint as 401, not anonymous', async () => {
			const anonymous = await fetch(`${origin}/api/v1/me`);
			expect(anonymous.status).toBe(401);
			expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
			const open = await fetch(`${origin}/api/v1/search?q=tools`);
			expect(open.status).toBe(200);
			const expired = await fetch(`${origin}/api/v1/search?q=tools`, {
				headers: { authorization: 'Bearer aaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' },
			});
			expect(expired.status).toBe(401);
			expect(expired.headers.get('www-authenticate')).toContain('error="invalid_token"');
			expect((await expired.json()).error.code).toBe('invalid_token');
		});
	});
}

describe('pglite: limits for clients behind one shared address', () => {
	let server: RunningServer;
	let origin: string;
	beforeAll(async () => {
		const port = await freePort();
		origin = `http://127.0.0.1:${port}`;
		// The default limits, except the token endpoint's address budget made small enough to reach.
		server = await startServer({
			env: {
				PORT: String(port),
				PUBLIC_ORIGIN: origin,
				RATE_LIMIT_PER_MINUTE: '60',
				AUTH_RATE_LIMIT_PER_15_MINUTES: '10',
				ANONYMOUS_RATE_LIMIT_PER_MINUTE: '45',
			},
		});
	});
	afterAll(async () => {
		expect(await server?.stop()).toBe(0);
	});

	it('thirty apps behind one address can each register a client with the default registration limits', async () => {
		const as = await discover(origin);
		for (let i = 0; i < 30; i++) {
			const registered = await oauth.processDynamicClientRegistrationResponse(
				await oauth.dynamicClientRegistrationRequest(
					as,
					{ client_name: `learner ${i}`, redirect_uris: [REGISTERED], token_endpoint_auth_method: 'none' },
					insecure,
				),
			);
			expect(registered.client_id).toBeTruthy();
		}
	});

	it('a 429 on the token endpoint is an RFC 6749 error body that oauth4webapi parses, with Retry-After', async () => {
		const as = await discover(origin);
		const client: oauth.Client = { client_id: 'nobody', token_endpoint_auth_method: 'none' };
		let last: unknown;
		for (let i = 0; i < 50; i++) {
			last = await oauth
				.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), 'x', insecure))
				.catch((e: unknown) => e);
			if (last instanceof oauth.ResponseBodyError && last.status === 429) break;
		}
		expect(last).toBeInstanceOf(oauth.ResponseBodyError);
		const error = last as oauth.ResponseBodyError;
		expect(error.status).toBe(429);
		expect(error.error).toBe('temporarily_unavailable');
		expect(error.response.headers.get('retry-after')).toMatch(/^\d+$/);
	});
});

describe('pglite: a classroom of connectors behind one address, with the default limits', () => {
	let server: RunningServer;
	let origin: string;
	beforeAll(async () => {
		const port = await freePort();
		origin = `http://127.0.0.1:${port}`;
		// The shipped defaults (the test helper raises the limits for other suites).
		server = await startServer({
			env: { PORT: String(port), PUBLIC_ORIGIN: origin, RATE_LIMIT_PER_MINUTE: '60', AUTH_RATE_LIMIT_PER_15_MINUTES: '10' },
		});
	});
	afterAll(async () => {
		expect(await server?.stop()).toBe(0);
	});

	it('thirty learners each register an app, sign in, consent and call a tool within five minutes', { timeout: 300_000 }, async () => {
		const started = Date.now();
		const as = await discover(origin);
		for (let i = 0; i < 30; i++) {
			const email = `class-${i}-${started}@example.test`;
			const password = `class password ${i}`;
			const account = await fetch(`${origin}/api/v1/auth/register`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', origin },
				body: JSON.stringify({ email, password, displayName: `Learner ${i}` }),
			});
			expect(account.status, await account.clone().text()).toBe(201);
			const registered = await oauth.processDynamicClientRegistrationResponse(
				await oauth.dynamicClientRegistrationRequest(
					as,
					{ client_name: `learner ${i}`, redirect_uris: [REGISTERED], token_endpoint_auth_method: 'none' },
					insecure,
				),
			);
			const client: oauth.Client = { client_id: registered.client_id, token_endpoint_auth_method: 'none' };
			const verifier = oauth.generateRandomCodeVerifier();
			const url = new URL(as.authorization_endpoint as string);
			url.search = new URLSearchParams({
				response_type: 'code',
				client_id: client.client_id,
				redirect_uri: LISTENING,
				code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
				code_challenge_method: 'S256',
				scope: 'course',
				resource: `${origin}/mcp`,
			}).toString();
			const browser = new Browser(origin);
			const page = `${url.pathname}${url.search}`;
			expect((await browser.get(page)).status).toBe(200);
			expect((await browser.signIn(page, email, password)).status).toBe(303);
			const callback = await approve(browser, page);
			const params = oauth.validateAuthResponse(as, client, callback, oauth.expectNoState);
			const tokens = await oauth.processAuthorizationCodeResponse(
				as,
				client,
				await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, LISTENING, verifier, {
					...insecure,
					additionalParameters: { resource: `${origin}/mcp` },
				}),
			);
			const call = await fetch(`${origin}/mcp`, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					accept: 'application/json, text/event-stream',
					authorization: `Bearer ${tokens.access_token}`,
				},
				body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: 'getMe', arguments: {} } }),
			});
			expect(call.status).toBe(200);
			const body = (await call.json()) as { result: { structuredContent: { email: string } } };
			expect(body.result.structuredContent.email).toBe(email);
		}
		expect(Date.now() - started).toBeLessThan(300_000);
	});
});
