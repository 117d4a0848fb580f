/**
 * The MCP authorization spec as standard clients meet it, driven by the official SDK client and its
 * own OAuth provider: an anonymous call to a protected tool is an HTTP 401 with the RFC 9728
 * challenge, from which the client discovers, registers, runs PKCE without `state` on a loopback
 * port it did not register, and links unattended (consent scripted through the real pages). The
 * token it gets is bound to /mcp (RFC 8707). Also: `Origin` validation and CORS on /mcp, and 429s
 * as JSON-RPC errors. PUBLIC_ORIGIN is the server's real address so the client can follow the metadata.
 */
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { type OAuthClientProvider, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type CallToolResult, JSONRPCErrorResponseSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../../helpers/databases.ts';
import { MemoryProvider } from '../../helpers/mcp-oauth-provider.ts';
import { type RunningServer, startServer } from '../../helpers/server.ts';
import { approve, Browser, freePort } from '../oauth/helpers.ts';

const structured = (result: CallToolResult) => result.structuredContent as Record<string, any>;

for (const kind of DATABASE_KINDS) {
	describe(`${kind}: MCP authorization with the SDK client's own OAuth provider`, () => {
		let database: TestDatabase;
		let server: RunningServer;
		let origin: string;
		const clients: McpClient[] = [];

		beforeAll(async () => {
			database = await createTestDatabase(kind);
			const port = await freePort();
			origin = `http://127.0.0.1:${port}`;
			server = await startServer({ databaseUrl: database.url, env: { PORT: String(port), PUBLIC_ORIGIN: origin } });
		});
		afterAll(async () => {
			for (const client of clients) await client.close().catch(() => {});
			const code = await server?.stop();
			await database?.drop();
			expect(code).toBe(0);
		});

		const connect = async (authProvider?: OAuthClientProvider) => {
			const client = new McpClient({ name: 'authorization-tests', version: '1.0.0' });
			const transport = new StreamableHTTPClientTransport(new URL('/mcp', origin), authProvider ? { authProvider } : undefined);
			await client.connect(transport);
			clients.push(client);
			return { client, transport };
		};

		const rpc = (body: unknown, headers: Record<string, string> = {}) =>
			fetch(`${origin}/mcp`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
				body: JSON.stringify(body),
			});

		it('answers an anonymous call to a protected tool with 401 and the resource_metadata challenge; public tools stay open', async () => {
			const res = await rpc({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'getProgress', arguments: {} } });
			expect(res.status).toBe(401);
			expect(res.headers.get('www-authenticate')).toBe(
				`Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource", scope="course"`,
			);
			const body = JSONRPCErrorResponseSchema.parse(await res.json());
			expect(body.id).toBe(3);

			const { client } = await connect();
			expect((await client.listTools()).tools.length).toBeGreaterThan(0);
			const course = (await client.callTool({ name: 'getCourse', arguments: {} })) as CallToolResult;
			expect(course.isError).toBeFalsy();
			const search = (await client.callTool({ name: 'searchContent', arguments: { q: 'tool use' } })) as CallToolResult;
			expect(search.isError).toBeFalsy();
			// Without a provider the SDK reports the 401 as such.
			const refused = await client.callTool({ name: 'getProgress', arguments: {} }).then(
				() => null,
				(error: unknown) => error,
			);
			expect(refused).toBeInstanceOf(StreamableHTTPError);
			expect((refused as StreamableHTTPError).code).toBe(401);
		});

		it('links unattended from the first anonymous call: discovery, registration, PKCE without state, any loopback port', async () => {
			const provider = new MemoryProvider('http://127.0.0.1:51999/callback', 'http://127.0.0.1:33418/callback');
			const { client, transport } = await connect(provider);
			await expect(client.callTool({ name: 'getProgress', arguments: {} })).rejects.toBeInstanceOf(UnauthorizedError);

			// The SDK registered itself and built the authorization URL from our metadata.
			expect(provider.info?.client_id).toMatch(/^[a-z2-7]{26}$/);
			const url = provider.authorizationUrl as URL;
			expect(`${url.origin}${url.pathname}`).toBe(`${origin}/oauth/authorize`);
			expect(url.searchParams.get('code_challenge_method')).toBe('S256');
			expect(url.searchParams.get('state')).toBeNull();
			expect(url.searchParams.get('resource')).toBe(`${origin}/mcp`);
			expect(url.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:51999/callback');

			// The learner signs in and allows, on the real pages.
			const browser = new Browser(origin);
			const page = `${url.pathname}${url.search}`;
			expect((await browser.signIn(page, 'free@demo.test')).status).toBe(303);
			const back = await approve(browser, page);
			expect(`${back.origin}${back.pathname}`).toBe('http://127.0.0.1:51999/callback');
			expect(back.searchParams.get('state')).toBeNull();
			await transport.finishAuth(back.searchParams.get('code') as string);
			expect(provider.saved?.access_token).toBeTruthy();

			const me = (await client.callTool({ name: 'getMe', arguments: {} })) as CallToolResult;
			expect(me.isError, JSON.stringify(me)).toBeFalsy();
			expect(structured(me).email).toBe('free@demo.test');
			const progress = (await client.callTool({ name: 'getProgress', arguments: {} })) as CallToolResult;
			expect(progress.isError).toBeFalsy();

			// RFC 8707: the token was issued for /mcp, so the REST API refuses it as a token.
			const api = await fetch(`${origin}/api/v1/me`, { headers: { authorization: `Bearer ${provider.saved?.access_token}` } });
			expect(api.status).toBe(401);
			expect(api.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
			expect((await api.json()).error.code).toBe('invalid_token');
		});

		it('refuses a foreign Origin with 403 as a JSON-RPC error; allows none and its own, with CORS for its own', async () => {
			const message = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };
			const foreign = await rpc(message, { origin: 'https://evil.example' });
			expect(foreign.status).toBe(403);
			expect(JSONRPCErrorResponseSchema.safeParse(await foreign.json()).success).toBe(true);
			expect(foreign.headers.get('access-control-allow-origin')).toBeNull();

			const none = await rpc(message);
			expect(none.status).toBe(200);
			expect(none.headers.get('access-control-allow-origin')).toBeNull();

			const own = await rpc(message, { origin });
			expect(own.status).toBe(200);
			expect(own.headers.get('access-control-allow-origin')).toBe(origin);
			expect(own.headers.get('access-control-allow-credentials')).toBeNull();
			expect(own.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');

			const preflight = await fetch(`${origin}/mcp`, {
				method: 'OPTIONS',
				headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
			});
			expect(preflight.status).toBe(204);
			expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
			expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
			const badPreflight = await fetch(`${origin}/mcp`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
			expect(badPreflight.status).toBe(403);
		});

		it('ignores a session cookie: a protected tool with only a cookie is still a 401', async () => {
			const login = await fetch(`${origin}/api/v1/auth/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', origin },
				body: JSON.stringify({ email: 'premium@demo.test', password: 'learn-with-chatgpt' }),
			});
			const cookie = (login.headers.getSetCookie().find((c) => c.startsWith('cc_session=')) ?? '').split(';')[0] as string;
			expect(cookie).toMatch(/^cc_session=/);
			const res = await rpc({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'getMe', arguments: {} } }, { cookie });
			expect(res.status).toBe(401);
			expect(res.headers.get('www-authenticate')).toContain('resource_metadata=');
		});
	});
}

describe('pglite: rate limits on /mcp answer in JSON-RPC', () => {
	let server: RunningServer;
	beforeAll(async () => {
		server = await startServer({ env: { RATE_LIMIT_PER_MINUTE: '3', ANONYMOUS_RATE_LIMIT_PER_MINUTE: '3' } });
	});
	afterAll(async () => {
		expect(await server?.stop()).toBe(0);
	});

	it('a 429 carries Retry-After and a JSON-RPC error with the request id and retry information', async () => {
		const call = (id: number) =>
			fetch(`${server.url}/mcp`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
				body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/list', params: {} }),
			});
		const statuses: number[] = [];
		let last: Response | undefined;
		for (let id = 1; id <= 4; id++) {
			last = await call(id);
			statuses.push(last.status);
		}
		expect(statuses).toEqual([200, 200, 200, 429]);
		const res = last as Response;
		expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
		const body = JSONRPCErrorResponseSchema.parse(await res.json());
		expect(body.id).toBe(4);
		expect(body.error.data).toEqual({ retryAfterSeconds: Number(res.headers.get('retry-after')) });

		// The SDK client sees the refusal as an HTTP 429 carrying that JSON-RPC message.
		const client = new McpClient({ name: 'limits', version: '1.0.0' });
		const error = await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', server.url))).then(
			() => null,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(StreamableHTTPError);
		expect((error as StreamableHTTPError).code).toBe(429);
		await client.close().catch(() => {});
	});
});
