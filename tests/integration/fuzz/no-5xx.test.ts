/**
 * Bad input never 500s: a seeded fuzzer (deterministic, so a failure replays) sends every operation in
 * /openapi.json and every form page valid-looking, invalid and hostile requests — wrong types, huge and
 * empty values, NUL and control characters, odd encodings and content types, unknown methods — anonymous,
 * as a learner and with a forged bearer token. Every answer must be below 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../helpers/server.ts';
import { type ApiServer, registerLearner, startApiServer } from '../api/fixtures.ts';

/** mulberry32: a tiny seeded PRNG. */
function prng(seed: number) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const STRINGS = [
	'',
	' ',
	'a',
	'x'.repeat(5000),
	'\u0000',
	'nul\u0000inside',
	'\n\r\t',
	'../../etc/passwd',
	'<script>alert(1)</script>',
	"' OR 1=1 --",
	'😀',
	'\uD800',
	'%00',
	'%',
	'0',
	'-1',
	'1e309',
	'null',
	'true',
	'{"a":1}',
	'/%09/evil.example',
	'chapter:',
	'quiz:nope',
];
const NUMBERS = [0, -1, 1, 1.5, 2 ** 53, -(2 ** 31), Number.MAX_SAFE_INTEGER];

/** encodeURIComponent, except a lone surrogate becomes the invalid UTF-8 it would be on the wire. */
function enc(value: string): string {
	try {
		return encodeURIComponent(value);
	} catch {
		return '%ED%A0%80';
	}
}

function pick<T>(rand: () => number, list: readonly T[]): T {
	return list[Math.floor(rand() * list.length)] as T;
}

function randomValue(rand: () => number, depth = 0): unknown {
	const r = rand();
	if (r < 0.35) return pick(rand, STRINGS);
	if (r < 0.5) return pick(rand, NUMBERS);
	if (r < 0.6) return rand() < 0.5;
	if (r < 0.65) return null;
	if (depth > 2) return 'deep';
	if (r < 0.8) return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1));
	return Object.fromEntries(
		Array.from({ length: Math.floor(rand() * 4) }, () => [pick(rand, STRINGS).slice(0, 20) || 'k', randomValue(rand, depth + 1)]),
	);
}

interface Operation {
	method: string;
	path: string;
	params: { name: string; in: string }[];
	bodyProps: string[];
}

function operationsOf(doc: {
	paths: Record<
		string,
		Record<
			string,
			{
				parameters?: { name: string; in: string }[];
				requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown>; $ref?: string } }> };
			}
		>
	>;
}): Operation[] {
	return Object.entries(doc.paths).flatMap(([path, item]) =>
		Object.entries(item).map(([method, op]) => ({
			method: method.toUpperCase(),
			path,
			params: op.parameters ?? [],
			bodyProps: Object.keys(op.requestBody?.content?.['application/json']?.schema?.properties ?? {}),
		})),
	);
}

function fill(
	rand: () => number,
	op: Operation,
): { url: string; body: string | undefined; contentType: string | undefined; method: string } {
	let url = op.path.replace(/\{(\w+)\}/g, () => enc(String(pick(rand, [...STRINGS, 'getting-started', 'what-is-an-agent', '1']))));
	const query = op.params.filter((p) => p.in === 'query').map((p) => `${p.name}=${enc(String(randomValue(rand)))}`);
	if (rand() < 0.2) query.push(`${enc(pick(rand, STRINGS))}=${enc(pick(rand, STRINGS))}`);
	if (query.length) url += `?${query.join('&')}`;
	const r = rand();
	const body =
		r < 0.15
			? undefined
			: r < 0.3
				? pick(rand, ['{', '[]', '"x"', 'null', '{"a":', '\u0000', 'a=b&c', '{"__proto__":{"x":1}}'])
				: JSON.stringify(Object.fromEntries([...op.bodyProps, ...(rand() < 0.3 ? ['extra'] : [])].map((k) => [k, randomValue(rand)])));
	const contentType = pick(rand, [
		'application/json',
		'application/json',
		'application/x-www-form-urlencoded',
		'text/plain',
		'multipart/form-data; boundary=x',
		undefined,
	]);
	const method = rand() < 0.08 ? pick(rand, ['PUT', 'PATCH', 'DELETE', 'OPTIONS', 'FOO']) : op.method;
	return { url, body: method === 'GET' || method === 'HEAD' ? undefined : body, contentType, method };
}

const FORM_PAGES = [
	'/login',
	'/register',
	'/account',
	'/admin',
	'/dashboard',
	'/learn/chapters/what-is-an-agent',
	'/learn/chapters/nope',
	'/learn/home',
	'/learn/search?q=agent%20tools',
	'/learn/search?q=%F0%9F%A4%96%00%E2%80%AE',
	'/quizzes/what-is-an-agent/result',
	'/quizzes/nope/result',
	'/logout',
	'/oauth/authorize?response_type=code&client_id=x&redirect_uri=https%3A%2F%2Fchatgpt.com%2Fcb',
];

describe('fuzzing every operation and form page', () => {
	let api: ApiServer;
	let learner: Client;
	beforeAll(async () => {
		api = await startApiServer('pglite', { BILLING_WEBHOOK_SECRET: 'a-secret-of-sufficient-length' });
		learner = (await registerLearner(api, 'fuzz', { checked: false })).client;
	});
	afterAll(async () => {
		await api?.stop();
	});

	it('answers 1,500 hostile requests without a single 5xx', async () => {
		const rand = prng(20261201);
		const operations = operationsOf(api.doc as never);
		expect(operations.length).toBeGreaterThan(25);
		const forged = new Client(api.url);
		forged.bearer = 'forged.token';
		const callers = [new Client(api.url), learner, forged];
		const failures: string[] = [];
		const statuses = new Map<number, number>();
		let sent = 0;
		for (let i = 0; i < 1500; i++) {
			const caller = pick(rand, callers);
			let target: { url: string; body: string | undefined; contentType: string | undefined; method: string };
			if (rand() < 0.25) {
				const page = pick(rand, FORM_PAGES);
				const fields = Array.from(
					{ length: Math.floor(rand() * 5) },
					() =>
						`${enc(pick(rand, ['email', 'password', 'next', 'action', 'intent', 'displayName', 'timezone', 'userId', 'tier', pick(rand, STRINGS)]))}=${enc(String(randomValue(rand)))}`,
				);
				target = {
					url: page,
					method: rand() < 0.8 ? 'POST' : 'GET',
					body: fields.join('&'),
					contentType: pick(rand, ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=zz', 'application/json', undefined]),
				};
				if (target.method === 'GET') target.body = undefined;
			} else {
				target = fill(rand, pick(rand, operations));
			}
			const res = await caller
				.request(target.method, target.url, target.body, target.contentType ? { 'content-type': target.contentType } : {})
				.catch((error: Error) => ({ status: 599, text: error.message }));
			sent++;
			statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
			if (res.status >= 500)
				failures.push(
					`${caller === forged ? 'forged' : caller === learner ? 'learner' : 'anonymous'} ${target.method} ${target.url} [${target.contentType}] ${String(target.body).slice(0, 120)} → ${res.status} ${res.text.slice(0, 160)}`,
				);
		}
		console.info(
			`fuzz: ${sent} requests; statuses ${[...statuses]
				.sort((a, b) => a[0] - b[0])
				.map(([k, v]) => `${k}×${v}`)
				.join(' ')}`,
		);
		expect(sent).toBe(1500);
		// A fuzzer that only ever got one answer would prove little: it reached success, client errors and auth errors.
		expect([...statuses.keys()].filter((s) => s >= 200 && s < 300).length).toBeGreaterThan(0);
		expect(statuses.get(400) ?? 0).toBeGreaterThan(50);
		expect(statuses.get(401) ?? 0).toBeGreaterThan(10);
		expect(failures.slice(0, 15)).toEqual([]);
		expect(api.server.output()).not.toMatch(/"level":50/);
	}, 300_000);
});
