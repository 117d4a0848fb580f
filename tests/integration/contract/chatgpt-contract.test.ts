/**
 * The contract as ChatGPT sees it. The test reads /openapi.json (the GPT profile a builder pastes,
 * and the full document), registers an OAuth client as a GPT builder does, runs the OAuth dance as
 * a learner through the real login and consent forms, then calls every documented operation by its
 * operationId the way an Action does (Authorization: Bearer, no cookies, no Origin) and checks each
 * response against the document: a listed status, a body matching the schema, under 100,000 characters.
 *
 * The server listens on a port chosen before it starts, so PUBLIC_ORIGIN — the document's servers[0].url
 * and its OAuth URLs — is the server's real address and every request goes exactly where the document says.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gptOperations } from '../../../src/server/api/openapi.ts';
import { operations } from '../../../src/server/operations/index.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../../helpers/databases.ts';
import { Conformance, type OpenApiDocument } from '../../helpers/openapi-conformance.ts';
import { DIST_DIR, type RunningServer, startServer } from '../../helpers/server.ts';
import { correctAnswers, quizKey, uniqueEmail } from '../api/fixtures.ts';
import { addClientWithCli, approve, Browser, PASSWORD, type RegisteredClient, serverPost } from '../oauth/helpers.ts';

/** What a GPT builder registers: the callback ChatGPT shows in the Action's OAuth settings. */
const REDIRECT_URI = 'https://chatgpt.com/aip/g-contract/oauth/callback';
const LEARNER = 'premium@demo.test';
const ADMIN = 'admin@demo.test';
/** ChatGPT Actions refuse a response of 100,000 characters or more. */
const MAX_RESPONSE_CHARS = 100_000;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'];

const chapters = (
	JSON.parse(readFileSync(path.join(DIST_DIR, 'client', 'api', 'v1', 'chapters.json'), 'utf8')) as {
		chapters: { id: string; tier: string }[];
	}
).chapters;
const PREMIUM_CHAPTER = 'agent-skills';
const PREMIUM_QUIZ = 'agent-skills';
const FIRST_CHAPTER = chapters[0]?.id as string;
const LAST_CHAPTER = chapters.at(-1)?.id as string;
const AFTER_PREMIUM = chapters[chapters.findIndex((c) => c.id === PREMIUM_CHAPTER) + 1]?.id ?? null;

type JsonSchema = Record<string, unknown>;
interface Parameter {
	name: string;
	in: string;
	required?: boolean;
	schema: JsonSchema;
}
interface DocOperation {
	operationId: string;
	security?: Record<string, string[]>[];
	parameters?: Parameter[];
	requestBody?: { content: { 'application/json': { schema: JsonSchema } } };
	responses: Record<string, unknown>;
	'x-openai-isConsequential'?: boolean;
}
interface OAuthFlow {
	authorizationUrl: string;
	tokenUrl: string;
	refreshUrl: string;
	scopes: Record<string, string>;
}
type Document = OpenApiDocument & {
	servers: { url: string }[];
	components: {
		schemas: Record<string, JsonSchema>;
		securitySchemes: Record<string, { type: string; flows?: { authorizationCode: OAuthFlow } }>;
	};
};
interface DocEntry {
	method: string;
	template: string;
	op: DocOperation;
}

function operationsOf(doc: Document): DocEntry[] {
	return Object.entries(doc.paths).flatMap(([template, item]) =>
		Object.entries(item)
			.filter(([method]) => HTTP_METHODS.includes(method))
			.map(([method, op]) => ({ method, template, op: op as unknown as DocOperation })),
	);
}

/** Who makes a call: by default the loop's caller (ChatGPT's OAuth token, or a login bearer token). */
type Caller = 'admin' | 'oauth' | 'newUser' | 'anonymous';

interface Call {
	as?: Caller;
	params?: Record<string, string>;
	/** Undefined values are left out, as an Action leaves out an optional parameter. */
	query?: Record<string, string | number | undefined>;
	body?: unknown;
	/** A deliberately invalid request (expecting 400): the documented request schema must reject it too. */
	invalid?: true;
	/** The billing provider signs the raw body; the document describes it in words rather than as a requestBody. */
	undocumentedBody?: true;
	status: number;
	/** Assertions on a response that already conforms; may remember values for later calls. */
	check?: (body: any) => void;
}

interface Context {
	profile: 'gpt' | 'full';
	/** The loop's own token: ChatGPT's refreshed OAuth access token, or a login bearer token. */
	token: string;
	tokens: Partial<Record<Exclude<Caller, 'anonymous'>, string>>;
	me: { id: string; email: string };
	newUser?: { id: string; email: string; password: string; secondToken?: string; secondSessionId?: string };
}

/**
 * One entry per operationId, run in this order; an operation in either document without an entry
 * fails the suite, so a new operation cannot ship untested. Entries marked (full) are not in the GPT profile.
 */
const EXAMPLES: Record<string, (ctx: Context) => Call[]> = {
	getCourse: () => [{ status: 200, check: (b) => expect(b.tiers.map((t: { id: string }) => t.id)).toContain('premium') }],
	listChapters: () => [
		{ status: 200, check: (b) => expect(b.chapters).toContainEqual(expect.objectContaining({ id: PREMIUM_CHAPTER, tier: 'premium' })) },
	],
	listChaptersPage: () => [
		{ params: { page: '1' }, status: 200, check: (b) => expect(b).toMatchObject({ page: 1, pageCount: 1, next: null }) },
		{ params: { page: '2' }, status: 404 },
	],
	getChapter: () => [
		{ params: { id: PREMIUM_CHAPTER }, status: 200, check: (b) => expect(b).toMatchObject({ id: PREMIUM_CHAPTER, tier: 'premium' }) },
		{ params: { id: 'no-such-chapter' }, status: 404 },
	],
	getNextChapter: () => [
		{ params: { id: PREMIUM_CHAPTER }, status: 200, check: (b) => expect(b.chapter?.id ?? null).toBe(AFTER_PREMIUM) },
		{ params: { id: LAST_CHAPTER }, status: 200, check: (b) => expect(b.chapter).toBeNull() },
	],
	getPreviousChapter: () => [{ params: { id: FIRST_CHAPTER }, status: 200, check: (b) => expect(b.chapter).toBeNull() }],
	listQuizzes: () => [
		{ status: 200, check: (b) => expect(b.quizzes).toContainEqual(expect.objectContaining({ id: PREMIUM_QUIZ, tier: 'premium' })) },
	],
	listQuizzesPage: () => [
		{ params: { page: '1' }, status: 200, check: (b) => expect(b.quizzes).toContainEqual(expect.objectContaining({ id: PREMIUM_QUIZ })) },
		{ params: { page: '2' }, status: 404 },
	],
	// (full) A new learner whose account operations below cannot disturb the demo learner's tokens.
	register: (ctx) => {
		const email = uniqueEmail('contract');
		const password = 'contract-password-1';
		const body = { email, password, displayName: 'Contract Learner', timezone: 'Europe/Paris', session: 'bearer' };
		return [
			{
				as: 'anonymous',
				body,
				status: 201,
				check: (b) => {
					expect(b.user).toMatchObject({ email, tier: 'free', role: 'student' });
					ctx.newUser = { id: b.user.id, email, password };
					ctx.tokens.newUser = b.token;
				},
			},
			{ as: 'anonymous', body, status: 409 },
			{ as: 'anonymous', body: { ...body, email: 'not-an-email' }, invalid: true, status: 400 },
		];
	},
	// (full) The second session is the one revokeSession disconnects.
	login: (ctx) => {
		const user = required(ctx.newUser, 'register');
		return [
			{
				as: 'anonymous',
				body: { email: user.email, password: user.password, session: 'bearer' },
				status: 200,
				check: (b) => {
					expect(b.token).toEqual(expect.any(String));
					user.secondToken = b.token;
				},
			},
			{ as: 'anonymous', body: { email: user.email, password: 'not-the-password', session: 'bearer' }, status: 401 },
		];
	},
	getMe: (ctx) => [{ status: 200, check: (b) => expect(b).toMatchObject(ctx.me) }],
	updateMe: () => [{ body: { displayName: 'Premium Learner' }, status: 200, check: (b) => expect(b.displayName).toBe('Premium Learner') }],
	getChapterContent: () => [
		{
			params: { id: PREMIUM_CHAPTER },
			query: { page: 1 },
			status: 200,
			check: (b) => {
				expect(b).toMatchObject({ chapterId: PREMIUM_CHAPTER, tier: 'premium', page: 1 });
				expect(b.sections.length).toBeGreaterThan(0);
			},
		},
		{ as: 'anonymous', params: { id: PREMIUM_CHAPTER }, status: 401 },
		{ params: { id: PREMIUM_CHAPTER }, query: { section: 'no-such-section' }, status: 404 },
	],
	searchContent: () => [
		{
			query: { q: 'how does mcp discover tools' },
			status: 200,
			check: (b) => {
				expect(b.count).toBeGreaterThan(0);
				expect(b.results).toContainEqual(expect.objectContaining({ chapterId: 'model-context-protocol', locked: false }));
				expect(b.results.every((r: { locked: boolean; passage?: string }) => r.locked || r.passage)).toBe(true);
			},
		},
		{ query: { q: '' }, invalid: true, status: 400 },
	],
	getQuiz: () => [
		{
			params: { id: PREMIUM_QUIZ },
			status: 200,
			check: (b) => {
				expect(b.questions).toHaveLength(quizKey(PREMIUM_QUIZ).questions.length);
				expect(JSON.stringify(b)).not.toMatch(/"correct"|"explanation"/);
			},
		},
		{ params: { id: 'no-such-quiz' }, status: 404 },
	],
	startQuiz: () => [
		{
			params: { id: PREMIUM_QUIZ },
			status: 200,
			check: (b) => {
				expect(b).toMatchObject({ quizId: PREMIUM_QUIZ, questionCount: quizKey(PREMIUM_QUIZ).questions.length });
				expect(JSON.stringify(b)).not.toMatch(/"correct"|"explanation"|"accept"/);
			},
		},
		{ as: 'anonymous', params: { id: PREMIUM_QUIZ }, status: 401 },
		{ params: { id: 'no-such-quiz' }, status: 404 },
	],
	submitQuiz: () => [
		{
			params: { id: PREMIUM_QUIZ },
			body: { answers: correctAnswers(quizKey(PREMIUM_QUIZ)) },
			status: 201,
			check: (b) => expect(b).toMatchObject({ quizId: PREMIUM_QUIZ, percent: 100, passed: true }),
		},
		{ params: { id: PREMIUM_QUIZ }, body: { answers: 'all of them' }, invalid: true, status: 400 },
	],
	getQuizResults: () => [
		{
			params: { id: PREMIUM_QUIZ },
			status: 200,
			check: (b) => {
				expect(b.passed).toBe(true);
				expect(b.attempts.length).toBeGreaterThan(0);
			},
		},
	],
	updateProgress: () => [
		{
			body: { chapterId: PREMIUM_CHAPTER, status: 'completed' },
			status: 200,
			check: (b) => expect(b.completedChapters.map((c: { chapterId: string }) => c.chapterId)).toContain(PREMIUM_CHAPTER),
		},
		{ body: { chapterId: 'no-such-chapter' }, status: 404 },
	],
	getProgress: () => [
		{ status: 200, check: (b) => expect(b.completedChapters.map((c: { chapterId: string }) => c.chapterId)).toContain(PREMIUM_CHAPTER) },
	],
	recordCheckin: () => [{ status: 200, check: (b) => expect(b.todayDone).toBe(true) }],
	// The demo learner has not passed every quiz (tests/integration/api/certificates.test.ts earns one).
	getCertificate: () => [{ status: 404, check: (b) => expect(b.error.message).toMatch(/every quiz/) }],
	verifyCertificate: () => [{ as: 'anonymous', params: { id: 'a'.repeat(26) }, status: 404 }],
	getStreak: () => [
		{
			status: 200,
			check: (b) => {
				expect(b.todayDone).toBe(true);
				expect(b.current).toBeGreaterThanOrEqual(1);
			},
		},
	],
	getReviewQueue: () => [
		// Every answer so far was right: nothing to review (the due path is tests/integration/api/review-queue.test.ts).
		{ status: 200, check: (b) => expect(b).toMatchObject({ dueCount: 0, cards: [] }) },
		{ query: { limit: 0 }, invalid: true, status: 400 },
	],
	submitReview: () => {
		const q = quizKey(PREMIUM_QUIZ).questions[0];
		return [
			{ body: { quizId: PREMIUM_QUIZ, questionId: q?.id, answer: q?.correct }, status: 404 },
			{ body: { quizId: PREMIUM_QUIZ, questionId: q?.id }, invalid: true, status: 400 },
		];
	},
	checkAccess: () => [
		{
			query: { resource: `chapter:${PREMIUM_CHAPTER}` },
			status: 200,
			check: (b) => expect(b).toMatchObject({ allowed: true, reason: 'tier_ok', requiredTier: 'premium', yourTier: 'premium' }),
		},
		{
			as: 'anonymous',
			query: { resource: `chapter:${PREMIUM_CHAPTER}` },
			status: 200,
			check: (b) => expect(b).toMatchObject({ allowed: false, reason: 'sign_in_required', yourTier: null }),
		},
		{ query: { resource: 'page:home' }, invalid: true, status: 400 },
	],
	getUserTier: () => [{ status: 200, check: (b) => expect(b.tier).toBe('premium') }],
	// (full) A learner's token (ChatGPT's included) cannot change a tier: the documented 403. An admin can.
	upgradeTier: (ctx) => [
		{ params: { userId: ctx.me.id }, body: { tier: 'pro', reason: 'asked ChatGPT nicely' }, status: 403 },
		...(ctx.profile === 'full'
			? [
					{
						as: 'admin' as const,
						params: { userId: required(ctx.newUser, 'register').id },
						body: { tier: 'premium', reason: 'contract test' },
						status: 200,
						check: (b: any) =>
							expect(b).toEqual({
								userId: ctx.newUser?.id,
								from: 'free',
								to: 'premium',
								changed: true,
								message: expect.stringContaining('free to premium'),
							}),
					},
				]
			: []),
	],
	// (full) Administrators only.
	searchUsers: () => [
		{
			as: 'admin',
			query: { q: 'premium@demo', limit: 5 },
			status: 200,
			check: (b) => expect(b.users.map((u: { email: string }) => u.email)).toContain(LEARNER),
		},
		{ query: { q: 'premium@demo' }, status: 403 },
		{ as: 'admin', query: { q: '' }, invalid: true, status: 400 },
	],
	// (full) Administrators only: the class view, its item analysis and CSV exports.
	listLearners: () => [
		{
			as: 'admin',
			query: { sort: 'progress', tier: 'premium', limit: 5 },
			status: 200,
			check: (b) => expect(b.learners.map((l: { email: string }) => l.email)).toContain(LEARNER),
		},
		{ query: { limit: 5 }, status: 403 },
		{ as: 'admin', query: { sort: 'email' }, invalid: true, status: 400 },
	],
	exportLearners: () => [
		{ as: 'admin', query: { activity: 'inactive' }, status: 200 },
		{ query: {}, status: 403 },
	],
	getQuizStatistics: () => [
		{ as: 'admin', params: { quizId: PREMIUM_QUIZ }, status: 200, check: (b) => expect(b.quizId).toBe(PREMIUM_QUIZ) },
		{ as: 'admin', params: { quizId: 'no-such-quiz' }, status: 404 },
		{ params: { quizId: PREMIUM_QUIZ }, status: 403 },
	],
	exportQuizStatistics: () => [
		{ as: 'admin', params: { quizId: PREMIUM_QUIZ }, status: 200 },
		{ params: { quizId: PREMIUM_QUIZ }, status: 403 },
	],
	getClassOverview: () => [{ as: 'admin', status: 200, check: (b) => expect(b.activePerDay).toHaveLength(30) }, { status: 403 }],
	// (full) Teams: the admin (role admin) creates one and invites; joining and removing are refused sentences
	// here (tests/integration/api/teams.test.ts runs the whole story); OAuth apps cannot manage teams.
	createTeam: () => [
		{
			as: 'admin',
			body: { name: 'Contract team' },
			status: 201,
			check: (b) => expect(b.team).toMatchObject({ yourRole: 'owner', seatsUsed: 1 }),
		},
		{ body: { name: 'Not on the team tier' }, status: 403 },
		{ as: 'admin', body: { name: '' }, invalid: true, status: 400 },
		{ as: 'oauth', body: { name: 'From an app' }, status: 403 },
	],
	createTeamInvite: () => [
		{ as: 'admin', body: {}, status: 201, check: (b) => expect(new URL(b.url).pathname).toBe('/join') },
		{ body: {}, status: 404 },
	],
	joinTeam: () => [
		{ body: { token: 'c'.repeat(32) }, status: 400, check: (b) => expect(b.error.code).toBe('invite_invalid') },
		{ as: 'oauth', body: { token: 'c'.repeat(32) }, status: 403 },
	],
	// In the GPT profile: "how is my team doing?" — the demo learner owns no team and is told so.
	getTeamProgress: (ctx) => [
		{ query: { limit: 5 }, status: 404, check: (b) => expect(b.error.message).toMatch(/^You do not have a team/) },
		...(ctx.profile === 'full'
			? [
					{
						as: 'admin' as const,
						query: { sort: 'progress', limit: 5 },
						status: 200,
						check: (b: { team: { name: string }; total: number }) => expect(b).toMatchObject({ team: { name: 'Contract team' }, total: 1 }),
					},
				]
			: []),
	],
	removeTeamMember: (ctx) => [
		{ params: { memberId: ctx.me.id }, status: 404 },
		{ as: 'admin', params: { memberId: ctx.me.id }, status: 404 },
	],
	getUser: (ctx) => [
		{
			as: 'admin',
			params: { userId: required(ctx.newUser, 'register').id },
			status: 200,
			check: (b) => {
				expect(b.user).toMatchObject({ email: ctx.newUser?.email, tier: 'premium' });
				expect(b.tierHistory).toContainEqual(expect.objectContaining({ from: 'free', to: 'premium', reason: 'contract test' }));
			},
		},
		{ as: 'admin', params: { userId: 'no-such-user' }, status: 404 },
	],
	// (full) Administrators only: an account made with a temporary password (no email), a reset link, the audit log.
	createLearner: () => [
		{
			as: 'admin',
			body: { email: uniqueEmail('created'), displayName: 'Created By Admin', tier: 'pro', temporaryPassword: 'temporary-pass-1' },
			status: 201,
			check: (b) => expect(b).toMatchObject({ invited: false, user: { tier: 'pro', displayName: 'Created By Admin' } }),
		},
		{ body: { email: uniqueEmail('created'), displayName: 'Not Allowed' }, status: 403 },
		{ as: 'admin', body: { email: 'not-an-email', displayName: 'X' }, invalid: true, status: 400 },
	],
	sendResetLink: (ctx) => [
		{
			as: 'admin',
			params: { userId: required(ctx.newUser, 'register').id },
			status: 200,
			check: (b) => expect(b.message).toContain(ctx.newUser?.email),
		},
		{ as: 'admin', params: { userId: 'no-such-user' }, status: 404 },
		{ params: { userId: ctx.me.id }, status: 403 },
	],
	getAuditLog: (ctx) => [
		{
			as: 'admin',
			query: { pageSize: 50 },
			status: 200,
			check: (b) =>
				expect(b.entries).toContainEqual(
					expect.objectContaining({ action: 'reset_link_sent', learner: expect.objectContaining({ email: ctx.newUser?.email }) }),
				),
		},
		{ status: 403 },
	],
	// (full) Account security: the new learner's own sessions; an OAuth app is refused (403).
	listSessions: (ctx) => [
		{
			as: 'newUser',
			status: 200,
			check: (b) => {
				const others = b.sessions.filter((s: { current: boolean; kind: string }) => !s.current);
				expect(others).toHaveLength(1);
				required(ctx.newUser, 'register').secondSessionId = others[0].id;
			},
		},
		{ as: 'oauth', status: 403 },
	],
	revokeSession: (ctx) => {
		const sessionId = required(ctx.newUser?.secondSessionId, 'listSessions');
		return [
			{ as: 'newUser', params: { sessionId }, status: 200 },
			{ as: 'newUser', params: { sessionId }, status: 404 },
		];
	},
	changePassword: (ctx) => {
		const user = required(ctx.newUser, 'register');
		return [
			{ as: 'newUser', body: { currentPassword: 'wrong-password', newPassword: 'contract-password-2' }, status: 400 },
			{
				as: 'newUser',
				body: { currentPassword: user.password, newPassword: 'contract-password-2' },
				status: 200,
				check: (b) => expect(b).toEqual({ ok: true, revokedOtherSessions: true }),
			},
		];
	},
	// (full) Forgotten passwords: the same answer for any email; a link never sent is refused. Not for OAuth apps.
	requestPasswordReset: () => [
		{
			as: 'anonymous',
			body: { email: uniqueEmail('contract-nobody') },
			status: 202,
			check: (b) => expect(b.message).toMatch(/^If an account uses this email/),
		},
		{ as: 'anonymous', body: { email: 'not an email' }, invalid: true, status: 400 },
		{ as: 'oauth', body: { email: LEARNER }, status: 403 },
	],
	resetPassword: () => [
		{
			as: 'anonymous',
			body: { token: 'a'.repeat(32), newPassword: 'contract-password-3' },
			status: 400,
			check: (b) => expect(b.error.code).toBe('reset_link_invalid'),
		},
		{ as: 'anonymous', body: { token: 'a'.repeat(32), newPassword: 'short' }, invalid: true, status: 400 },
		{ as: 'oauth', body: { token: 'a'.repeat(32), newPassword: 'contract-password-3' }, status: 403 },
	],
	// (full) Operations.
	health: () => [{ as: 'anonymous', status: 200, check: (b) => expect(b.status).toBe('ok') }],
	ready: () => [{ as: 'anonymous', status: 200, check: (b) => expect(b).toMatchObject({ status: 'ready', pendingMigrations: 0 }) }],
	billingWebhook: () => [
		{
			as: 'anonymous',
			body: { id: 'evt_contract_1', type: 'subscription.activated', email: LEARNER, tier: 'pro' },
			undocumentedBody: true,
			status: 503,
			check: (b) => expect(b.error.code).toBe('billing_not_configured'),
		},
	],
	logout: () => [
		{ as: 'newUser', status: 200, check: (b) => expect(b).toEqual({ ok: true }) },
		{ as: 'newUser', status: 401 },
	],
};

function required<T>(value: T | undefined, producedBy: string): T {
	if (value === undefined) throw new Error(`missing a value ${producedBy} should have produced`);
	return value;
}

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address() as net.AddressInfo;
			probe.close(() => resolve(port));
		});
	});
}

/** Validates request bodies and parameters against the document, as ChatGPT builds them from it. */
class RequestSchemas {
	private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
	private readonly cache = new Map<string, ValidateFunction>();
	constructor(doc: Document) {
		addFormats(this.ajv);
		this.ajv.addSchema({ $id: 'urn:contract:components', $defs: withRefs(doc.components.schemas) });
	}
	errors(key: string, schema: JsonSchema, value: unknown): string | null {
		let validate = this.cache.get(key);
		if (!validate) {
			validate = this.ajv.compile(withRefs(schema));
			this.cache.set(key, validate);
		}
		return validate(value) ? null : this.ajv.errorsText(validate.errors);
	}
}

function withRefs<T>(value: T): T {
	return JSON.parse(JSON.stringify(value), (key, v) =>
		key === '$ref' && typeof v === 'string' ? v.replace(/^#\/components\/schemas\//, 'urn:contract:components#/$defs/') : v,
	);
}

/** Property names anywhere in a schema, following component refs: how we spot an operation that takes a password. */
function propertyNames(schema: unknown, components: Record<string, JsonSchema>, seen = new Set<string>()): string[] {
	if (!schema || typeof schema !== 'object') return [];
	if (Array.isArray(schema)) return schema.flatMap((s) => propertyNames(s, components, seen));
	const object = schema as JsonSchema;
	const names: string[] = [];
	const ref = object.$ref;
	if (typeof ref === 'string' && !seen.has(ref)) {
		seen.add(ref);
		names.push(...propertyNames(components[ref.replace('#/components/schemas/', '')], components, seen));
	}
	if (object.properties && typeof object.properties === 'object') names.push(...Object.keys(object.properties));
	for (const value of Object.values(object)) names.push(...propertyNames(value, components, seen));
	return names;
}

describe.each(DATABASE_KINDS)('%s: ChatGPT as the tutor — the contract', (kind) => {
	let database: TestDatabase;
	let dataDir: string;
	let server: RunningServer;
	let origin: string;
	let client: RegisteredClient;
	let gpt: Document;
	let full: Document;
	let gptText: string;
	let fullText: string;
	let oauthToken: string | undefined;

	beforeAll(async () => {
		database = await createTestDatabase(kind);
		dataDir = mkdtempSync(path.join(os.tmpdir(), 'cc-contract-'));
		// The CLI runs before the server: with PGlite the server then holds the database's lock.
		client = await addClientWithCli({ dataDir, databaseUrl: database.url, name: 'ChatGPT', redirectUris: [REDIRECT_URI] });
		const port = await freePort();
		origin = `http://127.0.0.1:${port}`;
		server = await startServer({ dataDir, databaseUrl: database.url, env: { PORT: String(port), PUBLIC_ORIGIN: origin } });
		expect(server.url).toBe(origin);
		gptText = await fetchDocument('?profile=gpt');
		fullText = await fetchDocument('');
		gpt = JSON.parse(gptText) as Document;
		full = JSON.parse(fullText) as Document;
	});
	afterAll(async () => {
		await server?.stop();
		await database?.drop();
		if (dataDir) rmSync(dataDir, { recursive: true, force: true });
	});

	async function fetchDocument(query: string): Promise<string> {
		const res = await fetch(`${origin}/openapi.json${query}`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^application\/json/);
		return res.text();
	}

	/** An Action's request: JSON, the bearer token if any, and nothing a browser would add (no cookie, no Origin). */
	async function callAsChatGpt(method: string, url: string, token: string | null, body?: unknown) {
		const headers: Record<string, string> = { accept: 'application/json' };
		if (token) headers.authorization = `Bearer ${token}`;
		if (body !== undefined) headers['content-type'] = 'application/json';
		const res = await fetch(url, {
			method: method.toUpperCase(),
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
			redirect: 'manual',
		});
		const text = await res.text();
		let json: unknown;
		try {
			json = text ? JSON.parse(text) : undefined;
		} catch {
			json = undefined;
		}
		return { status: res.status, contentType: res.headers.get('content-type'), text, json };
	}

	it('publishes both documents with servers[0].url and the OAuth URLs on PUBLIC_ORIGIN, the GPT one without password operations', () => {
		// The builder imports the GPT document by URL: keep it within the size ChatGPT accepts for a response.
		expect(gptText.length).toBeLessThan(MAX_RESPONSE_CHARS);
		expect(fullText.length).toBeGreaterThan(gptText.length);
		for (const doc of [gpt, full]) {
			expect(doc.servers[0]?.url).toBe(origin);
			const flow = doc.components.securitySchemes.oauth2?.flows?.authorizationCode as OAuthFlow;
			expect(flow).toBeDefined();
			for (const url of [flow.authorizationUrl, flow.tokenUrl, flow.refreshUrl]) expect(new URL(url).origin).toBe(origin);
			expect(Object.keys(flow.scopes)).toContain('course');
		}
		expect(Object.keys(gpt.components.securitySchemes)).toEqual(['oauth2']);

		const gptIds = operationsOf(gpt).map((e) => e.op.operationId);
		const fullIds = operationsOf(full).map((e) => e.op.operationId);
		expect(fullIds.toSorted()).toEqual(operations.map((o) => o.operationId).toSorted());
		expect(gptIds.toSorted()).toEqual(
			gptOperations(operations)
				.map((o) => o.operationId)
				.toSorted(),
		);
		// No administrator operation reaches a GPT, whatever its tags.
		expect(gptIds.filter((id) => operations.find((o) => o.operationId === id)?.auth === 'admin')).toEqual([]);
		// No stale example: every entry of the table names a documented operation.
		expect(Object.keys(EXAMPLES).filter((id) => !fullIds.includes(id))).toEqual([]);
		const takesPassword = operationsOf(gpt)
			.filter(({ op }) => propertyNames(op.requestBody, gpt.components.schemas).some((name) => /password/i.test(name)))
			.map(({ op }) => op.operationId);
		expect(takesPassword).toEqual([]);
	});

	it('declares security and x-openai-isConsequential as ChatGPT needs them', () => {
		for (const [name, doc] of [
			['gpt', gpt],
			['full', full],
		] as const) {
			const entries = operationsOf(doc);
			const byId = new Map(entries.map((e) => [e.op.operationId, e.op]));
			for (const id of ['startQuiz', 'submitQuiz', 'recordCheckin', 'updateProgress', 'submitReview'])
				expect(byId.get(id)?.['x-openai-isConsequential'], id).toBe(false);
			if (name === 'full') expect(byId.get('upgradeTier')?.['x-openai-isConsequential']).toBe(true);
			for (const { method, op } of entries) {
				const where = `${name}: ${op.operationId}`;
				if (method !== 'get') expect(typeof op['x-openai-isConsequential'], where).toBe('boolean');
				const auth = operations.find((o) => o.operationId === op.operationId)?.auth;
				const security = op.security ?? [];
				// Every scheme a requirement names must be declared in this document (OpenAPI 3.1 §4.8.30).
				const undeclared = security.flatMap((s) => Object.keys(s)).filter((scheme) => !(scheme in doc.components.securitySchemes));
				expect(undeclared, where).toEqual([]);
				if (auth === 'public') {
					expect(security, where).toEqual([]);
					continue;
				}
				expect(security, where).toContainEqual({ oauth2: ['course'] });
				expect(
					security.some((s) => Object.keys(s).length === 0),
					where,
				).toBe(auth === 'optional');
			}
		}
	});

	it('runs the OAuth dance as ChatGPT: login and consent forms, code exchange (client_secret_post), refresh', async () => {
		const flow = gpt.components.securitySchemes.oauth2?.flows?.authorizationCode as OAuthFlow;
		const authorize = new URL(flow.authorizationUrl);
		authorize.search = new URLSearchParams({
			response_type: 'code',
			client_id: client.client_id,
			redirect_uri: REDIRECT_URI,
			state: 'chatgpt-contract-state',
			scope: Object.keys(flow.scopes).join(' '),
		}).toString();
		const pathname = `${authorize.pathname}${authorize.search}`;
		const browser = new Browser(authorize.origin);

		const loginForm = await browser.get(pathname);
		expect(loginForm.status).toBe(200);
		expect(loginForm.text).toContain('name="password"');
		expect((await browser.signIn(pathname, LEARNER, PASSWORD)).status).toBe(303);
		const consent = await browser.get(pathname);
		expect(consent.status).toBe(200);
		expect(consent.text).toContain(LEARNER);
		const location = await approve(browser, pathname);
		expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
		expect(location.searchParams.get('state')).toBe('chatgpt-contract-state');
		expect(location.searchParams.get('iss')).toBe(origin);
		const code = location.searchParams.get('code') as string;
		expect(code).toBeTruthy();

		const credentials = { client_id: client.client_id, client_secret: client.client_secret as string };
		const tokenUrl = new URL(flow.tokenUrl);
		const exchanged = await serverPost(tokenUrl.origin, tokenUrl.pathname, {
			grant_type: 'authorization_code',
			code,
			redirect_uri: REDIRECT_URI,
			...credentials,
		});
		expect(exchanged.status, exchanged.text).toBe(200);
		expect(exchanged.json).toMatchObject({
			access_token: expect.any(String),
			refresh_token: expect.any(String),
			expires_in: expect.any(Number),
		});
		expect(exchanged.json.token_type.toLowerCase()).toBe('bearer');
		expect(exchanged.json.expires_in).toBeGreaterThan(0);

		const refreshUrl = new URL(flow.refreshUrl);
		const refreshed = await serverPost(refreshUrl.origin, refreshUrl.pathname, {
			grant_type: 'refresh_token',
			refresh_token: exchanged.json.refresh_token,
			...credentials,
		});
		expect(refreshed.status, refreshed.text).toBe(200);
		expect(refreshed.json.token_type.toLowerCase()).toBe('bearer');
		expect(refreshed.json.access_token).not.toBe(exchanged.json.access_token);
		expect(refreshed.json.refresh_token).not.toBe(exchanged.json.refresh_token);
		expect((await callAsChatGpt('get', `${origin}/api/v1/me`, exchanged.json.access_token)).status).toBe(401);
		oauthToken = refreshed.json.access_token as string;
	});

	/**
	 * Calls every operation of `doc` through EXAMPLES and checks each response against `doc`.
	 * Returns the operations covered and the responses validated.
	 */
	async function runContract(doc: Document, ctx: Context): Promise<{ covered: string[]; validated: number }> {
		const entries = operationsOf(doc);
		const byId = new Map(entries.map((e) => [e.op.operationId, e]));
		expect(
			entries.map((e) => e.op.operationId).filter((id) => !(id in EXAMPLES)),
			'operations without an example call',
		).toEqual([]);
		const conformance = new Conformance(doc);
		const requests = new RequestSchemas(doc);
		const covered: string[] = [];
		const problems: string[] = [];
		let validated = 0;

		for (const [operationId, example] of Object.entries(EXAMPLES)) {
			const entry = byId.get(operationId);
			if (!entry) continue;
			const { method, template, op } = entry;
			const calls = example(ctx);
			expect(calls.length, operationId).toBeGreaterThan(0);
			for (const call of calls) {
				const where = `${operationId} ${JSON.stringify({ as: call.as, params: call.params, query: call.query })}`;
				// The request, built from the document as ChatGPT builds it.
				const parameters = op.parameters ?? [];
				const query: Record<string, string | number> = {};
				for (const [name, value] of Object.entries(call.query ?? {})) if (value !== undefined) query[name] = value;
				const given = { path: call.params ?? {}, query };
				for (const location of ['path', 'query'] as const) {
					for (const name of Object.keys(given[location])) {
						expect(
							parameters.some((p) => p.in === location && p.name === name),
							`${where}: ${location} parameter ${name} is not documented`,
						).toBe(true);
					}
				}
				let paramErrors = '';
				for (const p of parameters) {
					const value = given[p.in as 'path' | 'query'][p.name];
					if (value === undefined) {
						expect(p.required ?? false, `${where}: required ${p.in} parameter ${p.name} missing`).toBe(false);
						continue;
					}
					const error = requests.errors(`${operationId} ${p.in} ${p.name}`, p.schema, value);
					if (error) paramErrors += `${p.name}: ${error}; `;
				}
				const bodySchema = op.requestBody?.content['application/json'].schema;
				if (call.body !== undefined && !bodySchema) expect(call.undocumentedBody, `${where}: the document takes no body`).toBe(true);
				if (op.requestBody && call.body === undefined) throw new Error(`${where}: the document requires a body`);
				const bodyErrors = bodySchema && call.body !== undefined ? requests.errors(`${operationId} body`, bodySchema, call.body) : null;
				const requestErrors = `${paramErrors}${bodyErrors ?? ''}`;
				if (call.invalid) expect(requestErrors, `${where}: the invalid example passes the documented schema`).not.toBe('');
				else expect(requestErrors, `${where}: the example does not match the documented request`).toBe('');

				let pathname = template;
				for (const [name, value] of Object.entries(given.path)) pathname = pathname.replace(`{${name}}`, encodeURIComponent(value));
				const search = new URLSearchParams(Object.entries(given.query).map(([k, v]) => [k, String(v)])).toString();
				const target = `${pathname}${search ? `?${search}` : ''}`;
				const token = call.as === 'anonymous' ? null : call.as ? required(ctx.tokens[call.as], `the ${call.as} token`) : ctx.token;

				const res = await callAsChatGpt(method, `${doc.servers[0]?.url}${target}`, token, call.body);
				expect(res.text.length, `${where}: response size`).toBeLessThan(MAX_RESPONSE_CHARS);
				const result = conformance.check(method, target, res.status, res.json, res.contentType);
				validated++;
				if (!result.ok) problems.push(...result.problems, `  body: ${res.text.slice(0, 300)}`);
				expect(result.operationId, `${where}: ${target} resolved to another operation`).toBe(operationId);
				expect(res.status, `${where}: ${res.text.slice(0, 300)}`).toBe(call.status);
				if (result.ok) call.check?.(res.json);
			}
			covered.push(operationId);
		}
		expect(problems).toEqual([]);
		expect(covered.toSorted()).toEqual(entries.map((e) => e.op.operationId).toSorted());
		return { covered, validated };
	}

	it('calls every operation in the GPT document with the refreshed OAuth token; each response matches the document', async () => {
		const token = required(oauthToken, 'the OAuth dance');
		const me = await callAsChatGpt('get', `${origin}/api/v1/me`, token);
		expect(me.status).toBe(200);
		const ctx: Context = { profile: 'gpt', token, tokens: { oauth: token }, me: { id: (me.json as { id: string }).id, email: LEARNER } };
		const { covered, validated } = await runContract(gpt, ctx);
		expect(covered.length).toBe(operationsOf(gpt).length);
		console.info(`[${kind}] GPT document: ${covered.length} operations covered, ${validated} responses validated`);
	});

	it('calls every operation in the full document with login bearer sessions (learner, admin); each response matches', async () => {
		let loginsValidated = 0;
		const login = async (email: string) => {
			const res = await callAsChatGpt('post', `${origin}/api/v1/auth/login`, null, { email, password: PASSWORD, session: 'bearer' });
			const check = new Conformance(full).check('post', '/api/v1/auth/login', res.status, res.json, res.contentType);
			loginsValidated++;
			expect(check.problems).toEqual([]);
			expect(res.status, res.text).toBe(200);
			return res.json as { token: string; user: { id: string } };
		};
		const learner = await login(LEARNER);
		const admin = await login(ADMIN);
		const ctx: Context = {
			profile: 'full',
			token: learner.token,
			tokens: { admin: admin.token, oauth: required(oauthToken, 'the OAuth dance') },
			me: { id: learner.user.id, email: LEARNER },
		};
		const { covered, validated } = await runContract(full, ctx);
		expect(covered.length).toBe(operations.length);
		console.info(`[${kind}] full document: ${covered.length} operations covered, ${validated + loginsValidated} responses validated`);
	});
});
