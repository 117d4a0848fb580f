/**
 * Shared set-up for the API suites: one real production server per suite (on PGlite or on a fresh
 * Postgres database), fresh learners with unique emails, and the private answer keys from dist/.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../helpers/databases.ts';
import { Conformance, ConformingClient, type OpenApiDocument } from '../../helpers/openapi-conformance.ts';
import { Client, DIST_DIR, type RunningServer, startServer } from '../../helpers/server.ts';

export const DEMO_PASSWORD = 'learn-with-chatgpt';
export const PASSWORD = 'correct-horse-battery';
export const FREE_CHAPTER = 'tool-use';
export const PREMIUM_CHAPTER = 'agent-skills';

export interface ApiServer {
	url: string;
	server: RunningServer;
	database: TestDatabase;
	doc: OpenApiDocument;
	conformance: Conformance;
	/** A client: checked against the document when `checked` (the default). */
	client(checked?: boolean): Client;
	stop(): Promise<void>;
}

export async function startApiServer(
	kind: 'pglite' | 'postgres',
	env: Record<string, string> = {},
	nodeArgs: string[] = [],
): Promise<ApiServer> {
	const database = await createTestDatabase(kind);
	let server: RunningServer;
	try {
		server = await startServer({ databaseUrl: database.url, env, nodeArgs });
	} catch (error) {
		await database.drop();
		throw error;
	}
	const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as OpenApiDocument;
	const conformance = new Conformance(doc);
	return {
		url: server.url,
		server,
		database,
		doc,
		conformance,
		client: (checked = true) => (checked ? new ConformingClient(server.url, conformance) : new Client(server.url)),
		async stop() {
			const code = await server.stop();
			await database.drop();
			if (code !== 0) throw new Error(`server exited with ${code}:\n${server.output()}`);
		},
	};
}

export function uniqueEmail(tag: string): string {
	return `${tag}-${randomBytes(5).toString('hex')}@example.test`;
}

export interface Learner {
	client: Client;
	id: string;
	email: string;
	password: string;
}

/** Registers a fresh learner (free tier) and returns a client signed in with its cookie. */
export async function registerLearner(api: ApiServer, tag = 'learner', options: { timezone?: string; checked?: boolean } = {}) {
	const client = api.client(options.checked ?? true);
	const email = uniqueEmail(tag);
	const res = await client.post('/api/v1/auth/register', {
		email,
		password: PASSWORD,
		displayName: tag,
		...(options.timezone ? { timezone: options.timezone } : {}),
	});
	if (res.status !== 201) throw new Error(`register ${email}: ${res.status} ${res.text}`);
	return { client, id: res.json.user.id as string, email, password: PASSWORD } satisfies Learner;
}

export async function signInAdmin(api: ApiServer, checked = true): Promise<Learner> {
	const client = api.client(checked);
	const me = await client.login('admin@demo.test', DEMO_PASSWORD);
	return { client, id: me.user.id, email: 'admin@demo.test', password: DEMO_PASSWORD };
}

/** Sets a learner's tier through the admin route (the only way besides the billing webhook). */
export async function setTierAsAdmin(admin: Client, userId: string, tier: 'free' | 'premium' | 'pro' | 'team'): Promise<void> {
	const res = await admin.post(`/api/v1/admin/users/${userId}/tier`, { tier, reason: 'test' });
	if (res.status !== 200) throw new Error(`upgradeTier ${userId}: ${res.status} ${res.text}`);
}

export async function registerPremium(api: ApiServer, admin: Client, tag = 'premium', checked = true): Promise<Learner> {
	const learner = await registerLearner(api, tag, { checked });
	await setTierAsAdmin(admin, learner.id, 'premium');
	return learner;
}

interface KeyedQuestion {
	id: string;
	type: 'single' | 'multiple' | 'true_false';
	options: { id: string }[];
	correct: string[];
	explanation: string;
}
export interface QuizKey {
	id: string;
	passMark: number;
	questions: KeyedQuestion[];
}

/** The private answer key the build wrote (dist/private/quizzes/<id>.json). */
export function quizKey(id: string): QuizKey {
	return JSON.parse(readFileSync(path.join(DIST_DIR, 'private', 'quizzes', `${id}.json`), 'utf8')) as QuizKey;
}

export function correctAnswers(key: QuizKey): Record<string, string[]> {
	return Object.fromEntries(key.questions.map((q) => [q.id, [...q.correct]]));
}

/** One wrong option per question (a valid submission that scores 0). */
export function wrongAnswers(key: QuizKey): Record<string, string[]> {
	return Object.fromEntries(
		key.questions.map((q) => {
			const wrong = q.options.find((o) => !q.correct.includes(o.id));
			if (!wrong) throw new Error(`question ${q.id} has no wrong option`);
			return [q.id, [wrong.id]];
		}),
	);
}

/** Right answers to the first `right` questions, wrong ones after: a chosen score. */
export function answersScoring(key: QuizKey, right: number): Record<string, string[]> {
	const good = correctAnswers(key);
	const bad = wrongAnswers(key);
	return Object.fromEntries(key.questions.map((q, i) => [q.id, (i < right ? good[q.id] : bad[q.id]) as string[]]));
}

/** Every quiz of the built course, from its private manifest. */
export function courseQuizIds(): string[] {
	const manifest = JSON.parse(readFileSync(path.join(DIST_DIR, 'private', 'manifest.json'), 'utf8')) as { quizzes: { id: string }[] };
	return manifest.quizzes.map((q) => q.id);
}

/** Passes every quiz of the course with full marks (the learner's tier must include them all). */
export async function passEveryQuiz(client: Client, quizIds = courseQuizIds()): Promise<void> {
	for (const id of quizIds) {
		const res = await client.post(`/api/v1/me/quizzes/${id}/attempts`, { answers: correctAnswers(quizKey(id)) });
		if (res.status !== 201 || res.json.passed !== true) throw new Error(`quiz ${id}: ${res.status} ${res.text}`);
	}
}

/** The JSON error shape: exactly { error: { code, message, details? } }. */
export function isErrorShape(body: unknown): boolean {
	if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
	if (Object.keys(body).join() !== 'error') return false;
	const error = (body as { error: unknown }).error;
	if (!error || typeof error !== 'object') return false;
	const keys = Object.keys(error);
	const { code, message } = error as { code: unknown; message: unknown };
	return (
		keys.every((k) => k === 'code' || k === 'message' || k === 'details') &&
		typeof code === 'string' &&
		/^[a-z][a-z_]*$/.test(code) &&
		typeof message === 'string' &&
		message.length > 0
	);
}

/**
 * A request from a chosen loopback source address (127.0.0.x), so a test can act as several
 * client IPs against one server: the whole 127/8 block reaches a server bound to 127.0.0.1.
 */
export function requestFrom(
	sourceIp: string,
	base: string,
	method: string,
	pathname: string,
	options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; json: any; setCookie: string[] }> {
	const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
	return new Promise((resolve, reject) => {
		const req = http.request(
			`${base}${pathname}`,
			{
				method,
				localAddress: sourceIp,
				headers: {
					origin: base,
					...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}),
					...options.headers,
				},
			},
			(res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (chunk) => {
					text += chunk;
				});
				res.on('end', () => {
					let json: any;
					try {
						json = text ? JSON.parse(text) : undefined;
					} catch {
						json = undefined;
					}
					resolve({ status: res.statusCode ?? 0, headers: res.headers, json, setCookie: res.headers['set-cookie'] ?? [] });
				});
			},
		);
		req.on('error', reject);
		if (payload !== undefined) req.write(payload);
		req.end();
	});
}
