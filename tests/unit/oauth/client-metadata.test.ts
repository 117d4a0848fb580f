/** The pure rules of Client ID Metadata Documents: which URLs may be a client_id, cache lifetimes, the document's checks, blocked addresses. */
import { describe, expect, it } from 'vitest';
import {
	ClientMetadataError,
	clientIdUrlProblem,
	DEFAULT_CACHE_SECONDS,
	freshnessSeconds,
	isBlockedAddress,
	MAX_CACHE_SECONDS,
	MIN_CACHE_SECONDS,
	parseClientMetadata,
} from '../../../src/server/oauth/client-metadata.ts';

const ID = 'https://app.example/oauth/client.json';

describe('clientIdUrlProblem (draft §3)', () => {
	it('accepts an https URL with a path, a port and a query', () => {
		for (const id of [ID, 'https://app.example:8443/c.json', 'https://app.example/c?v=2']) expect(clientIdUrlProblem(id), id).toBeNull();
	});
	it('refuses what the draft forbids', () => {
		expect(clientIdUrlProblem('http://app.example/c.json')).toMatch(/https/);
		expect(clientIdUrlProblem('https://app.example')).toMatch(/path/);
		expect(clientIdUrlProblem('https://app.example/')).toMatch(/path/);
		expect(clientIdUrlProblem('https://app.example/a/../c.json')).toMatch(/\. or \.\./);
		expect(clientIdUrlProblem('https://app.example/a/%2E%2E/c.json')).toMatch(/\. or \.\./);
		expect(clientIdUrlProblem('https://app.example/./c.json')).toMatch(/\. or \.\./);
		expect(clientIdUrlProblem('https://app.example/c.json#x')).toMatch(/fragment/);
		expect(clientIdUrlProblem('https://me:pw@app.example/c.json')).toMatch(/user name/);
		expect(clientIdUrlProblem(`https://app.example/${'a'.repeat(1000)}`)).toMatch(/longer/);
	});
});

describe('freshnessSeconds (RFC 9111 within bounds)', () => {
	it('uses max-age, else Expires against Date, else the default', () => {
		expect(freshnessSeconds({ 'cache-control': 'public, max-age=3600' })).toBe(3600);
		const date = 'Tue, 01 Dec 2026 12:00:00 GMT';
		expect(freshnessSeconds({ expires: 'Tue, 01 Dec 2026 12:30:00 GMT', date })).toBe(1800);
		expect(freshnessSeconds({})).toBe(DEFAULT_CACHE_SECONDS);
	});
	it('keeps no-store, no-cache and short lives for the minimum, and long ones for at most a day', () => {
		expect(freshnessSeconds({ 'cache-control': 'no-store' })).toBe(MIN_CACHE_SECONDS);
		expect(freshnessSeconds({ 'cache-control': 'no-cache, max-age=600' })).toBe(MIN_CACHE_SECONDS);
		expect(freshnessSeconds({ 'cache-control': 'max-age=5' })).toBe(MIN_CACHE_SECONDS);
		expect(freshnessSeconds({ 'cache-control': 'max-age=31536000' })).toBe(MAX_CACHE_SECONDS);
		expect(freshnessSeconds({ expires: 'not a date' })).toBe(MIN_CACHE_SECONDS);
	});
});

describe('parseClientMetadata', () => {
	const doc = { client_id: ID, client_name: 'App', redirect_uris: ['https://app.example/cb'] };
	it('accepts a public client document with extra metadata', () => {
		expect(
			parseClientMetadata(ID, { ...doc, logo_uri: 'https://app.example/logo.png', token_endpoint_auth_method: 'none' }).client_name,
		).toBe('App');
	});
	it('refuses a different client_id, a shared secret, bad redirect URIs and missing fields', () => {
		const refuse = (body: unknown, message: RegExp) => {
			expect(() => parseClientMetadata(ID, body)).toThrow(ClientMetadataError);
			expect(() => parseClientMetadata(ID, body)).toThrow(message);
		};
		refuse({ ...doc, client_id: `${ID}?other` }, /different client_id/);
		refuse({ ...doc, token_endpoint_auth_method: 'client_secret_post' }, /must be "none"/);
		refuse({ ...doc, client_secret: 'shh' }, /client_secret/);
		refuse({ ...doc, redirect_uris: ['http://app.example/cb'] }, /must use https/);
		refuse({ ...doc, redirect_uris: [] }, /at least one/);
		refuse({ client_id: ID, redirect_uris: doc.redirect_uris }, /client_name/);
		refuse({ ...doc, grant_types: ['client_credentials'] }, /grant_types/);
		refuse({ ...doc, scope: 'admin' }, /scope/);
		refuse([doc], /not valid/);
	});
});

describe('isBlockedAddress (SSRF)', () => {
	it('blocks private, loopback, link-local, shared and mapped addresses; lets public ones through', () => {
		for (const a of [
			'10.1.2.3',
			'172.16.0.1',
			'192.168.1.1',
			'127.0.0.1',
			'169.254.169.254',
			'100.64.0.1',
			'0.0.0.0',
			'::1',
			'fe80::1',
			'fd00::1',
			'::ffff:10.0.0.1',
			'::ffff:127.0.0.1',
			'224.0.0.1',
			'not-an-ip',
		]) {
			expect(isBlockedAddress(a, false), a).toBe(true);
		}
		for (const a of ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946']) expect(isBlockedAddress(a, false), a).toBe(false);
	});
	it('lets loopback through only with the override, and nothing else private', () => {
		expect(isBlockedAddress('127.0.0.1', true)).toBe(false);
		expect(isBlockedAddress('::1', true)).toBe(false);
		expect(isBlockedAddress('10.0.0.1', true)).toBe(true);
		expect(isBlockedAddress('169.254.169.254', true)).toBe(true);
	});
});
