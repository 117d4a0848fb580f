/**
 * The OpenAPI document the server publishes: a valid 3.1 document that lists every operation the
 * issue names, within ChatGPT Actions' limits, with the right consequential flags and security;
 * the static JSON files conform to it; and the conformance helper the other suites rely on
 * really rejects what it should.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../../src/server/operations/index.ts';
import { DATABASE_KINDS } from '../../helpers/databases.ts';
import { Conformance, type OpenApiDocument } from '../../helpers/openapi-conformance.ts';
import { type ApiServer, startApiServer } from './fixtures.ts';

/** The operationIds the issue "The dynamic API" names. */
const NAMED_IN_ISSUE = [
	'getCourse',
	'listChapters',
	'getChapter',
	'getNextChapter',
	'getPreviousChapter',
	'getChapterContent',
	'listQuizzes',
	'getQuiz',
	'submitQuiz',
	'getQuizResults',
	'getProgress',
	'updateProgress',
	'getStreak',
	'recordCheckin',
	'checkAccess',
	'getUserTier',
	'upgradeTier',
	'register',
	'login',
	'logout',
	'getMe',
	'updateMe',
];

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

interface DocOperation {
	operationId: string;
	summary?: string;
	description?: string;
	security?: Record<string, string[]>[];
	parameters?: { name: string; in: string; description?: string }[];
	responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
	'x-openai-isConsequential'?: boolean;
}

function operationsOf(doc: OpenApiDocument): { method: string; path: string; op: DocOperation }[] {
	return Object.entries(doc.paths).flatMap(([path, item]) =>
		Object.entries(item)
			.filter(([method]) => METHODS.includes(method))
			.map(([method, op]) => ({ method, path, op: op as unknown as DocOperation })),
	);
}

describe.each(DATABASE_KINDS)('%s: /openapi.json', (kind) => {
	let api: ApiServer;
	let doc: OpenApiDocument & Record<string, unknown>;
	let ops: ReturnType<typeof operationsOf>;
	const byId = (id: string) => ops.find((o) => o.op.operationId === id);

	beforeAll(async () => {
		api = await startApiServer(kind);
		const res = await fetch(`${api.url}/openapi.json`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^application\/json/);
		doc = (await res.json()) as typeof doc;
		ops = operationsOf(doc);
	});
	afterAll(async () => {
		await api?.stop();
	});

	it('is a valid OpenAPI 3.1 document (swagger-parser)', async () => {
		expect(doc.openapi).toMatch(/^3\.1\./);
		await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
	});

	it('lists every operationId the issue names, and every operation the server defines', () => {
		const ids = ops.map((o) => o.op.operationId);
		expect(NAMED_IN_ISSUE.filter((id) => !ids.includes(id))).toEqual([]);
		expect(operations.map((o) => o.operationId).filter((id) => !ids.includes(id))).toEqual([]);
		expect(ids.length).toBe(operations.length);
	});

	it('has unique operationIds', () => {
		const ids = ops.map((o) => o.op.operationId);
		expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
		expect(ids.every((id) => typeof id === 'string' && /^[a-zA-Z][a-zA-Z0-9]*$/.test(id))).toBe(true);
	});

	it('keeps within ChatGPT Actions’ limits: summary and description ≤ 300 characters, parameter descriptions ≤ 700', () => {
		const tooLong: string[] = [];
		for (const { op } of ops) {
			expect(op.summary, op.operationId).toBeTruthy();
			if ((op.summary ?? '').length > 300) tooLong.push(`${op.operationId}.summary: ${op.summary?.length}`);
			if ((op.description ?? '').length > 300) tooLong.push(`${op.operationId}.description: ${op.description?.length}`);
			for (const p of op.parameters ?? []) {
				if ((p.description ?? '').length > 700) tooLong.push(`${op.operationId}.${p.name}: ${p.description?.length}`);
			}
		}
		expect(tooLong).toEqual([]);
	});

	it('marks learner writes as not consequential and the admin tier change as consequential', () => {
		for (const id of ['submitQuiz', 'recordCheckin', 'updateProgress', 'submitReview']) {
			expect(byId(id)?.op['x-openai-isConsequential'], id).toBe(false);
		}
		expect(byId('upgradeTier')?.op['x-openai-isConsequential']).toBe(true);
		for (const { method, op } of ops) {
			if (method !== 'get') expect(typeof op['x-openai-isConsequential'], op.operationId).toBe('boolean');
		}
	});

	it('declares security [] on public operations, and no anonymous alternative on learner or admin ones', () => {
		for (const spec of operations) {
			const { op } = byId(spec.operationId)!;
			if (spec.auth === 'public') expect(op.security, spec.operationId).toEqual([]);
			if (spec.auth === 'learner' || spec.auth === 'admin') {
				expect(op.security?.length, spec.operationId).toBeGreaterThan(0);
				expect(
					op.security?.some((s) => Object.keys(s).length === 0),
					spec.operationId,
				).toBe(false);
			}
			if (spec.auth === 'optional')
				expect(
					op.security?.some((s) => Object.keys(s).length === 0),
					spec.operationId,
				).toBe(true);
		}
		for (const id of ['getCourse', 'listChapters', 'getChapter', 'register', 'login']) expect(byId(id)?.op.security, id).toEqual([]);
	});

	it('documents 401 on every operation that needs a session, and uses the Error schema for every error', () => {
		for (const spec of operations) {
			const { op } = byId(spec.operationId)!;
			if (spec.auth === 'learner' || spec.auth === 'admin') expect(Object.keys(op.responses), spec.operationId).toContain('401');
			if (spec.auth === 'admin') expect(Object.keys(op.responses), spec.operationId).toContain('403');
			for (const [status, response] of Object.entries(op.responses)) {
				if (Number(status) < 400) continue;
				expect(response.content?.['application/json']?.schema, `${spec.operationId} ${status}`).toEqual({
					$ref: '#/components/schemas/Error',
				});
			}
		}
	});

	it('the static course files conform to the documented schemas', async () => {
		const conformance = new Conformance(doc);
		const chapters = (await (await fetch(`${api.url}/api/v1/chapters.json`)).json()).chapters as { id: string; tier: string }[];
		const paths = [
			'/api/v1/course.json',
			'/api/v1/chapters.json',
			'/api/v1/quizzes.json',
			...chapters.flatMap((c) => [
				`/api/v1/chapters/${c.id}.json`,
				`/api/v1/chapters/${c.id}/next.json`,
				`/api/v1/chapters/${c.id}/previous.json`,
			]),
		];
		const problems: string[] = [];
		for (const path of paths) {
			const res = await fetch(`${api.url}${path}`);
			const result = conformance.check('GET', path, res.status, await res.json(), res.headers.get('content-type'));
			problems.push(...result.problems);
		}
		expect(problems).toEqual([]);
		expect(paths.length).toBe(3 + 3 * chapters.length);
	});

	describe('the conformance helper', () => {
		let conformance: Conformance;
		let me: Record<string, unknown>;
		beforeAll(async () => {
			conformance = new Conformance(doc);
			const client = api.client(false);
			await client.login('free@demo.test');
			me = (await client.get('/api/v1/me')).json;
		});

		it('accepts a real response and resolves component refs', () => {
			expect(conformance.check('GET', '/api/v1/me', 200, me, 'application/json; charset=utf-8')).toMatchObject({
				ok: true,
				operationId: 'getMe',
			});
			const auth = { user: me, expiresAt: new Date().toISOString() };
			expect(conformance.check('POST', '/api/v1/auth/login', 200, auth, 'application/json').ok).toBe(true);
			const error = { error: { code: 'unauthorized', message: 'Sign in first.' } };
			expect(conformance.check('GET', '/api/v1/me', 401, error, 'application/json').ok).toBe(true);
		});

		it('maps concrete paths to their templates, preferring the most literal one', () => {
			expect(conformance.templateFor('/api/v1/me/quizzes/tool-use/attempts?x=1')).toBe('/api/v1/me/quizzes/{id}/attempts');
			expect(conformance.templateFor('/api/v1/chapters/tool-use.json')).toBe('/api/v1/chapters/{id}.json');
			expect(conformance.templateFor('/api/v1/chapters/tool-use/content')).toBe('/api/v1/chapters/{id}/content');
			expect(conformance.templateFor('/api/v1/nope')).toBeNull();
		});

		it('rejects an undocumented status, path or method', () => {
			expect(conformance.check('GET', '/api/v1/me', 418, {}, 'application/json').problems[0]).toMatch(/status 418 is not documented/);
			expect(conformance.check('GET', '/api/v1/me', 403, { error: { code: 'x', message: 'y' } }, 'application/json').ok).toBe(false);
			expect(conformance.check('GET', '/api/v1/nope', 404, {}, 'application/json').problems[0]).toMatch(/no path/);
			expect(conformance.check('PUT', '/api/v1/me', 200, me, 'application/json').problems[0]).toMatch(/documents no PUT/);
		});

		it('rejects a body with a missing field, an extra field, a wrong type or a wrong enum value', () => {
			const { tier: _tier, ...missing } = me;
			const cases: unknown[] = [missing, { ...me, password: 'leak' }, { ...me, id: 42 }, { ...me, tier: 'gold' }, null, 'text'];
			for (const body of cases)
				expect(conformance.check('GET', '/api/v1/me', 200, body, 'application/json').ok, JSON.stringify(body)).toBe(false);
			expect(conformance.check('GET', '/api/v1/me', 401, { error: { code: 'x' } }, 'application/json').ok).toBe(false);
			expect(conformance.check('GET', '/api/v1/me', 401, { message: 'x' }, 'application/json').ok).toBe(false);
		});

		it('rejects a documented JSON response sent with another content type', () => {
			expect(conformance.check('GET', '/api/v1/me', 200, me, 'text/html').ok).toBe(false);
			expect(conformance.check('GET', '/api/v1/me', 200, me, null).ok).toBe(false);
		});
	});
});
