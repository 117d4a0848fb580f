/**
 * Client ID Metadata Documents (MCP authorization 2025-11-25, draft-ietf-oauth-client-id-metadata-document):
 * the client_id is the https URL of a JSON document the client serves. Here that document is served by a
 * local HTTPS server with a certificate made for the test (trusted by the course server through
 * NODE_EXTRA_CA_CERTS), and the course server runs with OAUTH_CLIENT_METADATA_ALLOW_LOOPBACK=true — the
 * one setting that lets it fetch from 127.0.0.1. Clients: oauth4webapi (strict) and the MCP SDK client's own
 * OAuth provider, which uses its clientMetadataUrl when the server advertises support. Refusals: a document
 * naming another client_id, a redirect_uri it does not list, fetch failures (404, redirect, not JSON, no answer, too
 * large, a shared-secret method), all shown on the page (never a redirect) with the RFC 6749 code, and
 * `invalid_client` in RFC 6749's JSON at the token endpoint. A second server with default settings refuses
 * the loopback address (SSRF) without fetching anything.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../../helpers/databases.ts';
import { MemoryProvider } from '../../helpers/mcp-oauth-provider.ts';
import { type RunningServer, startServer } from '../../helpers/server.ts';
import { approve, Browser, freePort, type HttpResult } from './helpers.ts';

const CALLBACK = 'http://127.0.0.1:33418/callback';
const insecure = { [oauth.allowInsecureRequests]: true } as const;

interface Served {
	/** Never answer: the server's fetch must give up on its own. */
	hang?: true;
	status?: number;
	headers?: Record<string, string>;
	body: string;
}

/** A client's own HTTPS host: serves documents by path and counts requests. */
class MetadataHost {
	readonly routes = new Map<string, Served>();
	readonly hits = new Map<string, number>();
	server: https.Server | undefined;
	base = '';

	async start(key: string, cert: string): Promise<void> {
		const server = https.createServer({ key, cert }, (req, res) => {
			const pathname = new URL(req.url ?? '/', 'https://x').pathname;
			this.hits.set(pathname, (this.hits.get(pathname) ?? 0) + 1);
			const route = this.routes.get(pathname);
			if (route?.hang) return;
			if (!route) {
				res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
				return;
			}
			res.writeHead(route.status ?? 200, { 'content-type': 'application/json', ...route.headers }).end(route.body);
		});
		this.server = server;
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		this.base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
	}

	/** Serves a document at `pathname` and returns its URL, which is the client_id. */
	document(pathname: string, fields: Record<string, unknown> = {}, served: Omit<Served, 'body'> = {}): string {
		const clientId = `${this.base}${pathname}`;
		const body = JSON.stringify({
			client_id: clientId,
			client_name: 'Metadata App',
			redirect_uris: [CALLBACK],
			token_endpoint_auth_method: 'none',
			grant_types: ['authorization_code', 'refresh_token'],
			response_types: ['code'],
			...fields,
		});
		this.routes.set(pathname, { headers: { 'cache-control': 'max-age=300' }, ...served, body });
		return clientId;
	}
}

/** A self-signed certificate for 127.0.0.1 and localhost, made with openssl for this run. */
function makeCertificate(dir: string): { key: string; cert: string; certFile: string } {
	const keyFile = path.join(dir, 'key.pem');
	const certFile = path.join(dir, 'cert.pem');
	execFileSync(
		'openssl',
		[
			'req',
			'-x509',
			'-newkey',
			'ec',
			'-pkeyopt',
			'ec_paramgen_curve:prime256v1',
			'-nodes',
			'-keyout',
			keyFile,
			'-out',
			certFile,
			'-days',
			'1',
			'-subj',
			'/CN=localhost',
			'-addext',
			'subjectAltName=DNS:localhost,IP:127.0.0.1',
		],
		{ stdio: 'ignore' },
	);
	return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

/** PostgreSQL when the run has one (CI), else the embedded database: `npm test` needs no server of its own. */
const KIND = DATABASE_KINDS.at(-1) ?? 'pglite';

describe(`${KIND}: OAuth clients identified by their Client ID Metadata Document`, () => {
	let dir: string;
	let database: TestDatabase;
	let server: RunningServer;
	let guarded: RunningServer;
	let origin: string;
	let as: oauth.AuthorizationServer;
	const host = new MetadataHost();

	beforeAll(async () => {
		dir = mkdtempSync(path.join(os.tmpdir(), 'cc-cimd-'));
		const { key, cert, certFile } = makeCertificate(dir);
		await host.start(key, cert);
		database = await createTestDatabase(KIND);
		const port = await freePort();
		origin = `http://127.0.0.1:${port}`;
		const trust = { NODE_EXTRA_CA_CERTS: certFile };
		server = await startServer({
			databaseUrl: database.url,
			env: { PORT: String(port), PUBLIC_ORIGIN: origin, OAUTH_CLIENT_METADATA_ALLOW_LOOPBACK: 'true', ...trust },
		});
		// Default settings (the loopback override off), on its own embedded database.
		guarded = await startServer({ env: trust });
		const issuer = new URL(origin);
		as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
	});
	afterAll(async () => {
		await server?.stop();
		await guarded?.stop();
		await database?.drop();
		host.server?.closeAllConnections();
		await new Promise((resolve) => host.server?.close(resolve));
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	const authorizePage = async (clientId: string, extra: Record<string, string> = {}) => {
		const verifier = oauth.generateRandomCodeVerifier();
		const query = new URLSearchParams({
			response_type: 'code',
			client_id: clientId,
			redirect_uri: CALLBACK,
			code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
			code_challenge_method: 'S256',
			scope: 'course',
			...extra,
		});
		return { page: `/oauth/authorize?${query}`, verifier };
	};

	/** What the learner sees for a refused app: our page (no redirect), the reason and the RFC 6749 code. */
	function expectRefusalPage(res: HttpResult, error: string, reason: RegExp) {
		expect(res.status, res.text.slice(0, 300)).toBe(400);
		expect(res.headers.get('location')).toBeNull();
		expect(res.text).toMatch(reason);
		expect(res.text).toContain(`error=${error}`);
	}

	it('advertises client_id_metadata_document_supported in the authorization server metadata', () => {
		expect(as.client_id_metadata_document_supported).toBe(true);
		expect(as.registration_endpoint).toBe(`${origin}/oauth/register`);
	});

	it('links oauth4webapi with its document URL as client_id: consent names the app and its host; code, refresh, /mcp', async () => {
		const clientId = host.document('/apps/oauth4webapi.json', { client_name: 'Metadata App' });
		const client: oauth.Client = { client_id: clientId, token_endpoint_auth_method: 'none' };
		const { page, verifier } = await authorizePage(clientId, { resource: `${origin}/mcp` });
		const browser = new Browser(origin);
		expect((await browser.get(page)).text).toContain('Sign in to connect “Metadata App”');
		expect((await browser.signIn(page, 'free@demo.test')).status).toBe(303);
		const consent = await browser.get(page);
		expect(consent.status).toBe(200);
		expect(consent.text).toContain('Allow “Metadata App” to use your course account?');
		expect(consent.text).toContain(`describes itself at <strong>${new URL(host.base).host}</strong>`);
		const callback = await approve(browser, page);

		const params = oauth.validateAuthResponse(as, client, callback, oauth.expectNoState);
		const tokens = await oauth.processAuthorizationCodeResponse(
			as,
			client,
			await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, CALLBACK, verifier, {
				...insecure,
				additionalParameters: { resource: `${origin}/mcp` },
			}),
		);
		expect(tokens.refresh_token).toBeTruthy();
		const refreshed = await oauth.processRefreshTokenResponse(
			as,
			client,
			await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token as string, insecure),
		);
		const me = await fetch(`${origin}/mcp`, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				accept: 'application/json, text/event-stream',
				authorization: `Bearer ${refreshed.access_token}`,
			},
			body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'getMe', arguments: {} } }),
		});
		expect(me.status).toBe(200);
		expect(((await me.json()) as { result: CallToolResult }).result.structuredContent).toMatchObject({ email: 'free@demo.test' });
		// max-age=300: four page requests and two token requests, one fetch of the document.
		expect(host.hits.get('/apps/oauth4webapi.json')).toBe(1);
	});

	it('links the MCP SDK client unattended through its clientMetadataUrl (no registration)', async () => {
		const clientId = host.document('/apps/sdk.json', { client_name: 'SDK metadata client' });
		const provider = new MemoryProvider(CALLBACK, CALLBACK, { clientMetadataUrl: clientId });
		const client = new McpClient({ name: 'cimd-tests', version: '1.0.0' });
		const transport = new StreamableHTTPClientTransport(new URL('/mcp', origin), { authProvider: provider });
		await client.connect(transport);
		try {
			await expect(client.callTool({ name: 'getProgress', arguments: {} })).rejects.toBeInstanceOf(UnauthorizedError);
			expect(provider.info?.client_id).toBe(clientId);
			const url = provider.authorizationUrl as URL;
			expect(url.searchParams.get('client_id')).toBe(clientId);
			const browser = new Browser(origin);
			const page = `${url.pathname}${url.search}`;
			expect((await browser.signIn(page, 'premium@demo.test')).status).toBe(303);
			const back = await approve(browser, page);
			await transport.finishAuth(back.searchParams.get('code') as string);
			const me = (await client.callTool({ name: 'getMe', arguments: {} })) as CallToolResult;
			expect(me.isError, JSON.stringify(me)).toBeFalsy();
			expect(me.structuredContent).toMatchObject({ email: 'premium@demo.test' });
		} finally {
			await client.close().catch(() => {});
		}
	});

	it('refuses a document that names another client_id, and a redirect_uri it does not list', async () => {
		const other = host.document('/apps/mismatch.json', { client_id: `${host.base}/apps/someone-else.json` });
		expectRefusalPage(await new Browser(origin).get((await authorizePage(other)).page), 'invalid_client', /names a different client_id/);

		const listed = host.document('/apps/listed.json');
		const { page } = await authorizePage(listed, { redirect_uri: 'https://attacker.example/callback' });
		expectRefusalPage(await new Browser(origin).get(page), 'invalid_request', /not one that “Metadata App” registered/);
	});

	it('refuses documents it cannot fetch or use, and caches none of them', async () => {
		const cases: [string, Served | null, RegExp][] = [
			['/apps/missing.json', null, /could not be fetched: it answered HTTP 404/],
			['/apps/moved.json', { status: 302, headers: { location: '/apps/listed.json' }, body: '' }, /redirect, which is not followed/],
			['/apps/html.json', { headers: { 'content-type': 'text/html' }, body: '<html></html>' }, /not served as application\/json/],
			['/apps/broken.json', { body: '{"client_id":' }, /not valid JSON/],
			['/apps/huge.json', { body: JSON.stringify({ padding: 'x'.repeat(6000) }) }, /larger than 5120 bytes/],
			['/apps/silent.json', { hang: true, body: '' }, /did not answer within 5 s/],
		];
		for (const [pathname, served, reason] of cases) {
			if (served) host.routes.set(pathname, served);
			const { page } = await authorizePage(`${host.base}${pathname}`);
			expectRefusalPage(await new Browser(origin).get(page), 'invalid_client', reason);
		}
		const secret = host.document('/apps/secret.json', { token_endpoint_auth_method: 'client_secret_basic' });
		expectRefusalPage(
			await new Browser(origin).get((await authorizePage(secret)).page),
			'invalid_client',
			/must be &quot;none&quot;|must be "none"/,
		);
		const noPath = `${host.base}/`;
		expectRefusalPage(await new Browser(origin).get((await authorizePage(noPath)).page), 'invalid_client', /must have a path/);

		// A failure is not cached: once the document is served, the next request fetches it and works.
		const hitsBefore = host.hits.get('/apps/missing.json') ?? 0;
		const fixed = host.document('/apps/missing.json', { client_name: 'Fixed App' });
		const res = await new Browser(origin).get((await authorizePage(fixed)).page);
		expect(res.status).toBe(200);
		expect(res.text).toContain('“Fixed App”');
		expect(host.hits.get('/apps/missing.json')).toBe(hitsBefore + 1);
	});

	it('answers a metadata-document client_id it never saw with invalid_client in RFC 6749 JSON at the token endpoint', async () => {
		const client: oauth.Client = { client_id: `${host.base}/apps/never-authorized.json`, token_endpoint_auth_method: 'none' };
		const response = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), 'no-such-refresh-token', insecure);
		expect(response.status).toBe(401);
		expect(response.headers.get('content-type')).toMatch(/^application\/json/);
		const body = (await response.clone().json()) as { error: string; error_description: string };
		expect(body.error).toBe('invalid_client');
		expect(typeof body.error_description).toBe('string');
		// oauth4webapi reads it as an OAuth error (401 with the Basic challenge RFC 6749 §5.2 asks for).
		const error = await oauth.processRefreshTokenResponse(as, client, response).then(
			() => null,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
	});

	it('with default settings refuses loopback and private addresses without fetching (SSRF)', async () => {
		const clientId = host.document('/apps/guarded.json');
		const guardedPage = async (id: string) => new Browser(guarded.url).get((await authorizePage(id)).page);
		expectRefusalPage(await guardedPage(clientId), 'invalid_client', /address is not a public one/);
		expect(host.hits.get('/apps/guarded.json') ?? 0).toBe(0);
		for (const id of ['https://169.254.169.254/latest/meta-data.json', 'https://10.0.0.7/client.json', 'https://[::1]/client.json']) {
			expectRefusalPage(await guardedPage(id), 'invalid_client', /address is not a public one/);
		}
		// `localhost` resolves to loopback: refused when the socket would connect.
		const named = clientId.replace('127.0.0.1', 'localhost');
		expectRefusalPage(await guardedPage(named), 'invalid_client', /address is not a public one/);
		expect(host.hits.get('/apps/guarded.json') ?? 0).toBe(0);
	});
});
