/**
 * The MCP endpoint against the real production server, driven by the official SDK client
 * (Client + StreamableHTTPClientTransport): tools, resources, bearer auth and the RFC 9728
 * metadata. Expected values come from the build (manifest, answer keys, prerendered JSON).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrivateChapter, PrivateManifest } from '../../../src/content/emit.ts';
import type { QuizKey } from '../../../src/domain/grading.ts';
import { operations } from '../../../src/server/operations/index.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../../helpers/databases.ts';
import { Client, DIST_DIR, type RunningServer, startServer } from '../../helpers/server.ts';

const ORIGIN = 'https://course.example.test';
const METADATA_URL = `${ORIGIN}/.well-known/oauth-protected-resource`;
const PASSWORD = 'learn-with-chatgpt';

const EXPECTED_TOOLS = [
	'getCourse',
	'listChapters',
	'listChaptersPage',
	'getChapter',
	'getNextChapter',
	'getPreviousChapter',
	'getChapterContent',
	'searchContent',
	'listQuizzes',
	'listQuizzesPage',
	'getQuiz',
	'startQuiz',
	'submitQuiz',
	'getQuizResults',
	'getProgress',
	'updateProgress',
	'getStreak',
	'recordCheckin',
	'getCertificate',
	'verifyCertificate',
	'getReviewQueue',
	'submitReview',
	'checkAccess',
	'getUserTier',
	'getTeamProgress',
	'getMe',
];

const readJson = <T>(...parts: string[]): T => JSON.parse(readFileSync(path.join(DIST_DIR, ...parts), 'utf8')) as T;

/** Tool results are checked field by field. */
type Structured = any;

function structured(result: CallToolResult): Structured {
	return result.structuredContent as Structured;
}

/** The first Bearer challenge a tool error carries for ChatGPT's account linking. */
function challengeOf(result: CallToolResult): string | undefined {
	return (result._meta?.['mcp/www_authenticate'] as string[] | undefined)?.[0];
}

/** A tool error's `{ code, message, details? }` (in `_meta`: structuredContent follows the success schema). */
function errorOf(result: CallToolResult): Structured {
	return result._meta?.error as Structured;
}

function text(result: CallToolResult): string {
	return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
}

for (const kind of DATABASE_KINDS) {
	describe(`${kind}: MCP endpoint`, () => {
		let server: RunningServer;
		let database: TestDatabase;
		let manifest: PrivateManifest;
		let freeChapter: PrivateManifest['chapters'][number];
		let premiumChapter: PrivateManifest['chapters'][number];
		let token: string;
		let anon: McpClient;
		let premium: McpClient;
		const clients: McpClient[] = [];

		const connect = async (bearer?: string, headers: Record<string, string> = {}): Promise<McpClient> => {
			const client = new McpClient({ name: 'course-companion-tests', version: '1.0.0' });
			const transport = new StreamableHTTPClientTransport(
				new URL('/mcp', server.url),
				bearer ? { requestInit: { headers: { Authorization: `Bearer ${bearer}`, ...headers } } } : undefined,
			);
			await client.connect(transport);
			clients.push(client);
			return client;
		};

		const call = async (client: McpClient, name: string, args: Record<string, unknown> = {}) =>
			(await client.callTool({ name, arguments: args })) as CallToolResult;

		/** A raw JSON-RPC POST, for what the SDK client would not send. */
		const rpc = (body: unknown, headers: Record<string, string> = {}) =>
			fetch(`${server.url}/mcp`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
				body: JSON.stringify(body),
			});

		beforeAll(async () => {
			manifest = readJson<PrivateManifest>('private', 'manifest.json');
			freeChapter = manifest.chapters.find((c) => c.id === 'tool-use') as typeof freeChapter;
			premiumChapter = manifest.chapters.find((c) => c.tier === 'premium') as typeof premiumChapter;
			expect(freeChapter?.tier).toBe('free');
			database = await createTestDatabase(kind);
			// TEST_CLOCK: a review is due only the day after a miss, so one client calls from the next day.
			server = await startServer({ databaseUrl: database.url, env: { PUBLIC_ORIGIN: ORIGIN, TEST_CLOCK: 'header' } });
			const login = await new Client(server.url).post('/api/v1/auth/login', {
				email: 'premium@demo.test',
				password: PASSWORD,
				session: 'bearer',
			});
			expect(login.status).toBe(200);
			token = login.json.token;
			anon = await connect();
			premium = await connect(token);
		});

		afterAll(async () => {
			for (const client of clients) await client.close().catch(() => {});
			const code = await server?.stop();
			await database?.drop();
			expect(code).toBe(0);
		});

		describe('tools/list', () => {
			it('lists exactly the tutor operations, with their descriptions and input fields', async () => {
				const { tools } = await anon.listTools();
				expect(tools.map((t) => t.name).sort()).toEqual([...EXPECTED_TOOLS].sort());
				for (const tool of tools) {
					const op = operations.find((o) => o.operationId === tool.name);
					expect(op, tool.name).toBeDefined();
					expect(tool.description).toBe(op?.description);
					expect(tool.title).toBe(op?.summary);
					const fields = [
						...Object.keys(op?.params?.shape ?? {}),
						...Object.keys(op?.query?.shape ?? {}),
						...Object.keys((op?.body as { shape?: object } | undefined)?.shape ?? {}),
					];
					expect(Object.keys(tool.inputSchema.properties ?? {}).sort(), tool.name).toEqual(fields.sort());
				}
				const submit = tools.find((t) => t.name === 'submitQuiz');
				expect(submit?.inputSchema.required?.sort()).toEqual(['answers', 'id']);
				const content = tools.find((t) => t.name === 'getChapterContent');
				expect(content?.inputSchema.required).toEqual(['id']);
			});

			it("declares every tool's outputSchema from its operation's response schema, and real results match it (ajv)", async () => {
				const { tools } = await premium.listTools();
				const ajv = new Ajv({ allErrors: true, strict: false });
				addFormats(ajv);
				const key = readJson<QuizKey>('private', 'quizzes', 'tool-use.json');
				// One real call per tool, as the premium learner; a tool without an entry fails the test.
				const examples: Record<string, Record<string, unknown>> = {
					getCourse: {},
					listChapters: {},
					listChaptersPage: { page: '1' },
					getChapter: { id: freeChapter.id },
					getNextChapter: { id: freeChapter.id },
					getPreviousChapter: { id: freeChapter.id },
					getChapterContent: { id: premiumChapter.id },
					searchContent: { q: 'tool use' },
					listQuizzes: {},
					listQuizzesPage: { page: '1' },
					getQuiz: { id: 'tool-use' },
					startQuiz: { id: 'tool-use' },
					submitQuiz: { id: 'tool-use', answers: Object.fromEntries(key.questions.map((q) => [q.id, q.correct])) },
					getQuizResults: { id: 'tool-use' },
					getProgress: {},
					updateProgress: { chapterId: freeChapter.id },
					getStreak: {},
					recordCheckin: {},
					getCertificate: {},
					verifyCertificate: { id: 'a'.repeat(26) },
					getReviewQueue: {},
					submitReview: { quizId: 'tool-use', questionId: key.questions[0]?.id, answer: key.questions[0]?.correct },
					checkAccess: { resource: `chapter:${premiumChapter.id}` },
					getUserTier: {},
					getTeamProgress: { limit: 5 },
					getMe: {},
				};
				const expectedErrors: Record<string, string> = { getCertificate: 'not_found', verifyCertificate: 'not_found' };
				// The premium learner owns no team: the tool answers with the sentence, as an error (the team story is below).
				const refusals: Record<string, RegExp> = { getTeamProgress: /^You do not have a team/ };
				expect(Object.keys(examples).sort()).toEqual(tools.map((t) => t.name).sort());
				for (const tool of tools) {
					const op = operations.find((o) => o.operationId === tool.name);
					expect(tool.outputSchema?.type, tool.name).toBe('object');
					// Derived, not restated: the response schema's own fields, required ones included.
					expect(Object.keys(tool.outputSchema?.properties ?? {}).sort(), tool.name).toEqual(
						Object.keys((op?.response as { shape: object } | undefined)?.shape ?? {}).sort(),
					);
					const validate = ajv.compile(tool.outputSchema as object);
					if (tool.name === 'submitReview') {
						// A miss today, answered from the next day (the learner's clock moved by X-Test-Now).
						const wrong = Object.fromEntries(key.questions.map((q) => [q.id, [q.options.find((o) => !q.correct.includes(o.id))?.id]]));
						expect((await call(premium, 'submitQuiz', { id: 'tool-use', answers: wrong })).isError).toBeFalsy();
					}
					const caller =
						tool.name === 'submitReview'
							? await connect(token, { 'x-test-now': new Date(Date.now() + 36 * 3_600_000).toISOString() })
							: premium;
					const result = await call(caller, tool.name, examples[tool.name]);
					// The demo learner has not passed every quiz, and no certificate has that id: the documented 404s
					// (tests/integration/api/certificates.test.ts calls both tools on an earned certificate).
					if (expectedErrors[tool.name]) {
						expect(result.isError, tool.name).toBe(true);
						expect(errorOf(result).code, tool.name).toBe(expectedErrors[tool.name]);
						continue;
					}
					const refusal = refusals[tool.name];
					if (refusal) {
						expect(result.isError, tool.name).toBe(true);
						expect(errorOf(result).message, tool.name).toMatch(refusal);
						continue;
					}
					expect(result.isError, `${tool.name}: ${text(result)}`).toBeFalsy();
					expect(validate(result.structuredContent), `${tool.name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
					// Older clients read the same value as text.
					expect(JSON.parse(text(result)), tool.name).toEqual(result.structuredContent);
				}
			});

			it('marks GETs read-only and the rest idempotent only where they are', async () => {
				const { tools } = await anon.listTools();
				for (const tool of tools) {
					const op = operations.find((o) => o.operationId === tool.name);
					expect(tool.annotations?.readOnlyHint, tool.name).toBe(op?.method === 'GET');
					expect(tool.annotations?.destructiveHint, tool.name).toBe(false);
					expect(tool.annotations?.openWorldHint, tool.name).toBe(false);
				}
				const hint = (name: string) => tools.find((t) => t.name === name)?.annotations?.idempotentHint;
				expect(hint('recordCheckin')).toBe(true);
				expect(hint('updateProgress')).toBe(true);
				expect(hint('submitQuiz')).toBe(false);
				expect(hint('getProgress')).toBe(true);
			});

			it('declares securitySchemes per tool from the operation auth level', async () => {
				const { tools } = await anon.listTools();
				const schemes = (name: string) => tools.find((t) => t.name === name)?._meta?.securitySchemes;
				expect(schemes('getCourse')).toEqual([{ type: 'noauth' }]);
				expect(schemes('searchContent')).toEqual([{ type: 'noauth' }, { type: 'oauth2', scopes: ['course'] }]);
				expect(schemes('getProgress')).toEqual([{ type: 'oauth2', scopes: ['course'] }]);
				expect(schemes('submitQuiz')).toEqual([{ type: 'oauth2', scopes: ['course'] }]);
			});
		});

		describe('content tools', () => {
			it('searchContent finds the tool-use passage for a question in plain words', async () => {
				const result = await call(anon, 'searchContent', { q: 'how does a model ask my code to run a function' });
				expect(result.isError).toBeFalsy();
				const data = structured(result);
				expect(JSON.parse(text(result))).toEqual(data);
				const hit = data.results.find((r: Structured) => r.chapterId === 'tool-use');
				expect(hit, JSON.stringify(data.results.map((r: Structured) => r.chapterId))).toBeDefined();
				expect(hit.locked).toBe(false);
				expect(hit.passage.length).toBeGreaterThan(100);
				expect(hit.url).toContain('/chapters/tool-use');
			});

			it('searchContent refuses an empty question with the validation message', async () => {
				const result = await call(anon, 'searchContent', { q: '   ' });
				expect(result.isError).toBe(true);
				expect(text(result)).toContain('must not be empty');
			});

			it('getChapterContent returns a free chapter to an anonymous caller', async () => {
				const result = await call(anon, 'getChapterContent', { id: freeChapter.id });
				expect(result.isError).toBeFalsy();
				const data = structured(result);
				const body = readJson<PrivateChapter>('private', 'chapters', `${freeChapter.id}.json`);
				expect(data.chapterId).toBe(freeChapter.id);
				expect(data.title).toBe(freeChapter.title);
				expect(data.page).toBe(1);
				expect(data.sections.length).toBeGreaterThan(0);
				expect(data.sections[0]).toEqual(body.sections[0]);
			});

			it('getChapterContent fetches one section by anchor', async () => {
				const body = readJson<PrivateChapter>('private', 'chapters', `${freeChapter.id}.json`);
				const anchor = body.sections.find((s) => s.anchor)?.anchor as string;
				const data = structured(await call(anon, 'getChapterContent', { id: freeChapter.id, section: anchor }));
				expect(data.sections.map((s: Structured) => s.anchor)).toEqual(
					body.sections.filter((s) => s.anchor === anchor).map((s) => s.anchor),
				);
			});

			it('getChapterContent refuses a premium chapter anonymously, naming the tier, with the sign-in challenge', async () => {
				const result = await call(anon, 'getChapterContent', { id: premiumChapter.id });
				expect(result.isError).toBe(true);
				const tierName = manifest.course.tiers.find((t) => t.id === premiumChapter.tier)?.name as string;
				expect(text(result)).toContain(tierName);
				expect(text(result)).toContain('sign_in_required');
				expect(errorOf(result).code).toBe('sign_in_required');
				expect(errorOf(result).details.requiredTier).toBe(premiumChapter.tier);
				const challenge = challengeOf(result);
				expect(challenge).toContain(`resource_metadata="${METADATA_URL}"`);
				expect(challenge).toMatch(/^Bearer /);
				expect(JSON.stringify(result)).not.toContain(
					readJson<PrivateChapter>('private', 'chapters', `${premiumChapter.id}.json`).sections[1]?.markdown,
				);
			});

			it('getChapterContent returns a premium chapter to a premium learner', async () => {
				const result = await call(premium, 'getChapterContent', { id: premiumChapter.id });
				expect(result.isError).toBeFalsy();
				const body = readJson<PrivateChapter>('private', 'chapters', `${premiumChapter.id}.json`);
				const data = structured(result);
				expect(data.tier).toBe(premiumChapter.tier);
				expect(data.sections).toEqual(body.sections.slice(0, data.sections.length));
				expect(text(result)).toContain(body.sections[1]?.heading);
			});

			it('getChapterContent answers an unknown chapter with not_found', async () => {
				const result = await call(anon, 'getChapterContent', { id: 'no-such-chapter' });
				expect(result.isError).toBe(true);
				expect(errorOf(result).code).toBe('not_found');
				expect(result._meta?.['mcp/www_authenticate']).toBeUndefined();
			});

			it('the static tools answer exactly what the prerendered JSON files hold', async () => {
				expect(structured(await call(anon, 'getCourse'))).toEqual(readJson('client', 'api', 'v1', 'course.json'));
				expect(structured(await call(anon, 'listChapters'))).toEqual(readJson('client', 'api', 'v1', 'chapters.json'));
				expect(structured(await call(anon, 'listQuizzes'))).toEqual(readJson('client', 'api', 'v1', 'quizzes.json'));
				expect(structured(await call(anon, 'listChaptersPage', { page: '1' }))).toEqual(
					readJson('client', 'api', 'v1', 'chapters', 'pages', '1.json'),
				);
				expect(structured(await call(anon, 'listQuizzesPage', { page: '1' }))).toEqual(
					readJson('client', 'api', 'v1', 'quizzes', 'pages', '1.json'),
				);
				for (const id of [freeChapter.id, premiumChapter.id, manifest.chapters[0]?.id as string, manifest.chapters.at(-1)?.id as string]) {
					expect(structured(await call(anon, 'getChapter', { id })), id).toEqual(readJson('client', 'api', 'v1', 'chapters', `${id}.json`));
					for (const direction of ['next', 'previous'] as const) {
						const tool = direction === 'next' ? 'getNextChapter' : 'getPreviousChapter';
						expect(structured(await call(anon, tool, { id })), `${tool} ${id}`).toEqual(
							readJson('client', 'api', 'v1', 'chapters', id, `${direction}.json`),
						);
					}
				}
				const missing = await call(anon, 'getChapter', { id: 'no-such-chapter' });
				expect(missing.isError).toBe(true);
				expect(errorOf(missing).code).toBe('not_found');
			});

			it('getQuiz gives questions without answers; checkAccess explains a premium refusal', async () => {
				const quiz = structured(await call(anon, 'getQuiz', { id: freeChapter.id }));
				const key = readJson<QuizKey>('private', 'quizzes', `${freeChapter.id}.json`);
				expect(quiz.questions.map((q: Structured) => q.id)).toEqual(key.questions.map((q) => q.id));
				expect(JSON.stringify(quiz)).not.toContain('"correct"');
				expect(JSON.stringify(quiz)).not.toContain(key.questions[0]?.explanation);
				const access = structured(await call(anon, 'checkAccess', { resource: `chapter:${premiumChapter.id}` }));
				expect(access).toMatchObject({ allowed: false, requiredTier: premiumChapter.tier, reason: 'sign_in_required', yourTier: null });
				const mine = structured(await call(premium, 'checkAccess', { resource: `chapter:${premiumChapter.id}` }));
				expect(mine).toMatchObject({ allowed: true, reason: 'tier_ok', yourTier: 'premium' });
			});
		});

		describe('learner tools', () => {
			it('refuses a learner tool called anonymously with HTTP 401 and the RFC 9728 challenge (MCP authorization spec)', async () => {
				const res = await rpc({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'getProgress', arguments: {} } });
				expect(res.status).toBe(401);
				expect(res.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${METADATA_URL}", scope="course"`);
				const body = await res.json();
				expect(body).toMatchObject({ jsonrpc: '2.0', id: 5, error: { code: -32000 } });
				await expect(call(anon, 'getProgress')).rejects.toMatchObject({ code: 401 });
			});

			it('getMe and getUserTier identify the bearer of the token', async () => {
				expect(structured(await call(premium, 'getMe'))).toMatchObject({ email: 'premium@demo.test', tier: 'premium' });
				const tier = structured(await call(premium, 'getUserTier'));
				expect(tier.tier).toBe('premium');
				expect(tier.name).toBe(manifest.course.tiers.find((t) => t.id === 'premium')?.name);
			});

			it('submitQuiz grades the answer key at 100% and getQuizResults records it', async () => {
				const key = readJson<QuizKey>('private', 'quizzes', 'tool-use.json');
				const answers = Object.fromEntries(key.questions.map((q) => [q.id, q.correct]));
				const result = await call(premium, 'submitQuiz', { id: 'tool-use', answers });
				expect(result.isError, text(result)).toBeFalsy();
				const graded = structured(result);
				expect(graded).toMatchObject({
					quizId: 'tool-use',
					percent: 100,
					passed: true,
					score: key.questions.length,
					total: key.questions.length,
				});
				expect(graded.questions.every((q: Structured) => q.correct)).toBe(true);
				const results = structured(await call(premium, 'getQuizResults', { id: 'tool-use' }));
				expect(results).toMatchObject({ quizId: 'tool-use', bestPercent: 100, passed: true });
				expect(results.attempts[0].attemptId).toBe(graded.attemptId);
			});

			it('submitQuiz reports ungradable answers as the API does', async () => {
				const result = await call(premium, 'submitQuiz', { id: 'tool-use', answers: { 'not-a-question': ['x'] } });
				expect(result.isError).toBe(true);
				expect(errorOf(result).code).toBe('invalid_answers');
				expect(Array.isArray(errorOf(result).details)).toBe(true);
			});

			it('getProgress shows a chapter after updateProgress, which is idempotent', async () => {
				const first = structured(await call(premium, 'updateProgress', { chapterId: 'what-is-an-agent' }));
				expect(first.changed).toBe(true);
				const again = structured(await call(premium, 'updateProgress', { chapterId: 'what-is-an-agent' }));
				expect(again.changed).toBe(false);
				const progress = structured(await call(premium, 'getProgress'));
				expect(progress.completedChapters.map((c: Structured) => c.chapterId)).toContain('what-is-an-agent');
				expect(progress.bestScores['tool-use']).toBe(100);
				expect(progress.percentComplete).toBeGreaterThan(0);
			});

			it('recordCheckin counts today once; getStreak agrees', async () => {
				await call(premium, 'recordCheckin');
				const second = structured(await call(premium, 'recordCheckin'));
				expect(second.recorded).toBe(false);
				expect(second.todayDone).toBe(true);
				const streak = structured(await call(premium, 'getStreak'));
				expect(streak).toMatchObject({ todayDone: true, today: second.today });
				expect(streak.current).toBeGreaterThanOrEqual(1);
			});

			it('ignores a session cookie: only a bearer token identifies an MCP caller', async () => {
				const browser = new Client(server.url);
				await browser.login('premium@demo.test');
				expect(browser.cookie).toMatch(/^cc_session=/);
				const res = await rpc(
					{
						jsonrpc: '2.0',
						id: 7,
						method: 'tools/call',
						params: { name: 'checkAccess', arguments: { resource: `chapter:${premiumChapter.id}` } },
					},
					{ cookie: browser.cookie },
				);
				expect(res.status).toBe(200);
				const body = await res.json();
				expect(body.result.structuredContent).toMatchObject({ allowed: false, reason: 'sign_in_required', yourTier: null });
				// From a foreign origin the request is refused before anything else (Streamable HTTP: validate Origin).
				const foreign = await rpc(
					{ jsonrpc: '2.0', id: 8, method: 'tools/list', params: {} },
					{ cookie: browser.cookie, origin: 'https://evil.example' },
				);
				expect(foreign.status).toBe(403);
			});
		});

		describe('administrator tools', () => {
			const ADMIN_TOOLS = ['listLearners', 'getQuizStatistics', 'getClassOverview'];

			it('lists the instructor tools only to an administrator, and answers "how is my class doing?"', async () => {
				const login = await new Client(server.url).post('/api/v1/auth/login', {
					email: 'admin@demo.test',
					password: PASSWORD,
					session: 'bearer',
				});
				expect(login.status).toBe(200);
				const admin = await connect(login.json.token);
				const names = (await admin.listTools()).tools.map((t) => t.name);
				expect(names.filter((n) => ADMIN_TOOLS.includes(n)).sort()).toEqual([...ADMIN_TOOLS].sort());
				expect((await premium.listTools()).tools.map((t) => t.name).filter((n) => ADMIN_TOOLS.includes(n))).toEqual([]);
				const list = await call(admin, 'listLearners', { sort: 'name', limit: 5 });
				expect(list.isError ?? false).toBe(false);
				expect((structured(list) as { learners: { email: string }[] }).learners.map((l) => l.email)).toContain('premium@demo.test');
				const stats = structured(await call(admin, 'getQuizStatistics', { quizId: 'tool-use' })) as { questions: unknown[] };
				expect(stats.questions.length).toBeGreaterThan(0);
				// Anonymous: the HTTP 401 that starts OAuth, as for every protected tool.
				const res = await rpc({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'listLearners', arguments: {} } });
				expect(res.status).toBe(401);
			});

			it('answers a team owner\'s "how is my team doing?" with their own team only', async () => {
				const rest = new Client(server.url);
				const login = await rest.post('/api/v1/auth/login', { email: 'admin@demo.test', password: PASSWORD, session: 'bearer' });
				rest.bearer = login.json.token;
				expect((await rest.post('/api/v1/me/team', { name: 'MCP team' })).status).toBe(201);
				const owner = await connect(login.json.token);
				const result = await call(owner, 'getTeamProgress', { sort: 'progress', limit: 5 });
				expect(result.isError ?? false, text(result)).toBe(false);
				const data = structured(result) as { team: { name: string; seatsUsed: number }; members: { email: string }[] };
				expect(data.team).toMatchObject({ name: 'MCP team', seatsUsed: 1 });
				expect(data.members.map((m) => m.email)).toEqual(['admin@demo.test']);
			});
		});

		describe('resources', () => {
			it('lists every chapter as course://chapters/<id> in markdown', async () => {
				// The widget templates (ui://, tests/integration/mcp/widgets.test.ts) are listed too.
				const resources = (await anon.listResources()).resources.filter((r) => !r.uri.startsWith('ui://'));
				expect(resources.map((r) => r.uri)).toEqual(manifest.chapters.map((c) => `course://chapters/${c.id}`));
				expect(new Set(resources.map((r) => r.mimeType))).toEqual(new Set(['text/markdown']));
				expect(resources.find((r) => r.name === premiumChapter.id)?.title).toBe(premiumChapter.title);
				const { resourceTemplates } = await anon.listResourceTemplates();
				expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(['course://chapters/{id}']);
			});

			it('reads a free chapter as markdown joined from its sections', async () => {
				const { contents } = await anon.readResource({ uri: `course://chapters/${freeChapter.id}` });
				const body = readJson<PrivateChapter>('private', 'chapters', `${freeChapter.id}.json`);
				expect(contents).toHaveLength(1);
				const doc = contents[0] as { uri: string; mimeType: string; text: string };
				expect(doc.mimeType).toBe('text/markdown');
				expect(doc.uri).toBe(`course://chapters/${freeChapter.id}`);
				expect(doc.text.startsWith(`# ${freeChapter.title}\n`)).toBe(true);
				for (const section of body.sections) {
					if (section.depth > 1) expect(doc.text).toContain(`\n${'#'.repeat(section.depth)} ${section.heading}\n`);
					expect(doc.text).toContain(section.markdown.trim());
				}
			});

			it('refuses a premium chapter anonymously with an error naming the tier, and serves it with the token', async () => {
				const tierName = manifest.course.tiers.find((t) => t.id === premiumChapter.tier)?.name as string;
				const refused = await anon.readResource({ uri: `course://chapters/${premiumChapter.id}` }).then(
					() => null,
					(error: Error & { data?: Structured }) => error,
				);
				expect(refused).not.toBeNull();
				expect(refused?.message).toContain(tierName);
				expect(refused?.data?.requiredTier).toBe(premiumChapter.tier);
				expect(refused?.data?.code).toBe('sign_in_required');
				const { contents } = await premium.readResource({ uri: `course://chapters/${premiumChapter.id}` });
				const body = readJson<PrivateChapter>('private', 'chapters', `${premiumChapter.id}.json`);
				expect((contents[0] as { text: string }).text).toContain(body.sections[1]?.markdown.trim() as string);
			});

			it('answers an unknown chapter with resource-not-found', async () => {
				const error = await anon.readResource({ uri: 'course://chapters/no-such-chapter' }).then(
					() => null,
					(e: Error & { code?: number }) => e,
				);
				expect(error?.code).toBe(-32002);
			});
		});

		describe('HTTP and authorization', () => {
			it('answers an invalid bearer token with 401 and the RFC 9728 challenge', async () => {
				const res = await rpc(
					{ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} },
					{ authorization: 'Bearer aaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' },
				);
				expect(res.status).toBe(401);
				const challenge = res.headers.get('www-authenticate') ?? '';
				expect(challenge).toMatch(/^Bearer /);
				expect(challenge).toContain(`resource_metadata="${METADATA_URL}"`);
				expect(challenge).toContain('error="invalid_token"');
				expect((await res.json()).error.code).toBe(-32000);
			});

			it('the SDK client cannot connect with a revoked token', async () => {
				const login = await new Client(server.url).post('/api/v1/auth/login', {
					email: 'free@demo.test',
					password: PASSWORD,
					session: 'bearer',
				});
				const revoked = login.json.token as string;
				const client = await connect(revoked);
				expect(structured(await call(client, 'getMe')).email).toBe('free@demo.test');
				const logout = await fetch(`${server.url}/api/v1/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${revoked}` } });
				expect(logout.status).toBeLessThan(300);
				await expect(client.listTools()).rejects.toThrow();
			});

			it('allows only POST', async () => {
				for (const method of ['GET', 'DELETE', 'PUT']) {
					const res = await fetch(`${server.url}/mcp`, { method, headers: { accept: 'text/event-stream' } });
					expect(res.status, method).toBe(405);
					expect(res.headers.get('allow')).toBe('POST');
				}
			});

			it('serves protected resource metadata at both RFC 9728 locations', async () => {
				for (const pathname of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
					const res = await fetch(`${server.url}${pathname}`);
					expect(res.status, pathname).toBe(200);
					expect(res.headers.get('content-type')).toContain('application/json');
					const doc = await res.json();
					expect(doc).toMatchObject({
						resource: `${ORIGIN}/mcp`,
						authorization_servers: [ORIGIN],
						scopes_supported: ['course'],
						bearer_methods_supported: ['header'],
					});
				}
			});
		});
	});
}
