/**
 * Who the caller is, through the real server: behind one trusted proxy (TRUST_PROXY=1) the address the
 * proxy saw — the rightmost X-Forwarded-For entry — is the caller, whatever the client writes to the left of
 * it; without TRUST_PROXY the header is ignored. The API sign-in and the OAuth consent page's sign-in share
 * that address and one budget.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveClientAddress } from '../../../src/server/client-address.ts';
import { parseEnv } from '../../../src/server/env.ts';
import { authorizePath, Browser, CHATGPT_REDIRECT, serverPost } from '../oauth/helpers.ts';
import { type ApiServer, startApiServer, uniqueEmail } from './fixtures.ts';

const PER_MINUTE = 5;
const AUTH_PER_15_MINUTES = 3;
const spoof = () => `203.0.113.${randomBytes(1)[0]}`;

describe('resolveClientAddress', () => {
	it('takes the socket address when no proxy is trusted, whatever the header says', () => {
		expect(resolveClientAddress('198.51.100.7', '1.2.3.4', 0)).toBe('198.51.100.7');
	});
	it('counts trusted hops from the right, as Express does', () => {
		expect(resolveClientAddress('10.0.0.1', 'forged, 198.51.100.7', 1)).toBe('198.51.100.7');
		expect(resolveClientAddress('10.0.0.1', 'forged, 198.51.100.7, 10.0.0.2', 2)).toBe('198.51.100.7');
		expect(resolveClientAddress('10.0.0.1', ' 198.51.100.7 ', 1)).toBe('198.51.100.7');
	});
	it('uses the leftmost entry when there are fewer entries than trusted hops, and the socket when the header is empty', () => {
		expect(resolveClientAddress('10.0.0.1', '198.51.100.7', 3)).toBe('198.51.100.7');
		expect(resolveClientAddress('10.0.0.1', ' , ', 1)).toBe('10.0.0.1');
		expect(resolveClientAddress('10.0.0.1', null, 1)).toBe('10.0.0.1');
	});
	it('reads TRUST_PROXY as a hop count and refuses anything else', () => {
		expect(parseEnv({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(1);
		expect(parseEnv({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
		expect(parseEnv({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(0);
		expect(parseEnv({}).TRUST_PROXY).toBe(0);
		expect(() => parseEnv({ TRUST_PROXY: 'yes please' })).toThrow(/TRUST_PROXY: use false, true \(one proxy\) or the number of proxies/);
	});
});

async function oauthClient(api: ApiServer): Promise<string> {
	const res = await serverPost(api.url, '/oauth/register', { client_name: 'limits', redirect_uris: [CHATGPT_REDIRECT] } as never, {
		json: true,
		headers: { 'x-forwarded-for': '192.0.2.200' },
	});
	expect(res.status, res.text).toBe(201);
	return res.json.client_id as string;
}

describe('behind one trusted proxy (TRUST_PROXY=1)', () => {
	let api: ApiServer;
	beforeAll(async () => {
		api = await startApiServer('pglite', {
			TRUST_PROXY: '1',
			RATE_LIMIT_PER_MINUTE: String(PER_MINUTE),
			ANONYMOUS_RATE_LIMIT_PER_MINUTE: String(PER_MINUTE),
			AUTH_RATE_LIMIT_PER_15_MINUTES: String(AUTH_PER_15_MINUTES),
		});
	});
	afterAll(async () => {
		await api?.stop();
	});

	const get = (forwardedFor: string) => fetch(`${api.url}/api/v1/search?q=start`, { headers: { 'x-forwarded-for': forwardedFor } });

	it('limits the address the proxy saw: rotating the client-written entries does not help', async () => {
		const statuses: number[] = [];
		for (let i = 0; i <= PER_MINUTE; i++) statuses.push((await get(`${spoof()}, 198.51.100.10`)).status);
		expect(statuses).toEqual([...Array(PER_MINUTE).fill(200), 429]);
		// Another learner behind the same proxy has a budget of their own.
		expect((await get(`${spoof()}, 198.51.100.11`)).status).toBe(200);
	});

	it('counts API and consent-page sign-in failures for one account from one address against one budget', async () => {
		const address = '198.51.100.20';
		const email = uniqueEmail('guessed');
		const headers = { 'x-forwarded-for': `${spoof()}, ${address}` };
		const login = (from: string) =>
			fetch(`${api.url}/api/v1/auth/login`, {
				method: 'POST',
				headers: { 'x-forwarded-for': `${spoof()}, ${from}`, origin: api.url, 'content-type': 'application/json' },
				body: JSON.stringify({ email, password: 'wrong-password' }),
			});
		expect((await login(address)).status).toBe(401);
		expect((await login(address)).status).toBe(401);
		const clientId = await oauthClient(api);
		const consent = authorizePath({
			response_type: 'code',
			client_id: clientId,
			redirect_uri: CHATGPT_REDIRECT,
			state: 's',
			scope: 'course',
		});
		const browser = new Browser(api.url);
		const third = await browser.postForm(consent, { intent: 'login', email, password: 'wrong-password' }, headers);
		expect(third.status).toBe(401);
		expect(third.text).toContain('Email or password is incorrect.');
		const fourth = await browser.postForm(
			consent,
			{ intent: 'login', email, password: 'wrong-password' },
			{ 'x-forwarded-for': `${spoof()}, ${address}` },
		);
		expect(fourth.status).toBe(429);
		expect(fourth.text).toMatch(/Too many failed sign-ins for this account from this address/i);
		expect((await login(address)).status).toBe(429);
		// The same account from another address (the proxy saw another client) is judged on its own.
		expect((await login('198.51.100.21')).status).toBe(401);
	});
});

describe('with no trusted proxy (the default)', () => {
	let api: ApiServer;
	beforeAll(async () => {
		api = await startApiServer('pglite', {
			RATE_LIMIT_PER_MINUTE: String(PER_MINUTE),
			ANONYMOUS_RATE_LIMIT_PER_MINUTE: String(PER_MINUTE),
		});
	});
	afterAll(async () => {
		await api?.stop();
	});

	it('ignores X-Forwarded-For: a client cannot pose as many', async () => {
		// Every request shares the socket's bucket (the fixture's own OpenAPI fetch already spent one).
		const statuses: number[] = [];
		for (let i = 0; i <= PER_MINUTE; i++) {
			statuses.push((await fetch(`${api.url}/api/v1/search?q=start`, { headers: { 'x-forwarded-for': `${spoof()}` } })).status);
		}
		expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(PER_MINUTE);
		expect(statuses.at(-1)).toBe(429);
	});
});
