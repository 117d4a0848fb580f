/**
 * The course certificate through the real production server (decision 0024), on PGlite and PostgreSQL: passing
 * every quiz of the fixture course issues it once (even under concurrent passes and views), its public page and
 * verifyCertificate confirm it to anyone, another learner cannot get it, an unknown id is a plain 404, and the
 * Open Badges 3.0 credential verifies with the published key. Every API response is checked against /openapi.json.
 */
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../helpers/databases.ts';
import { DIST_DIR } from '../../helpers/server.ts';
import {
	type ApiServer,
	type Learner,
	correctAnswers,
	courseQuizIds,
	isErrorShape,
	passEveryQuiz,
	quizKey,
	registerLearner,
	registerPremium,
	signInAdmin,
	startApiServer,
	wrongAnswers,
} from './fixtures.ts';

/** The server's PUBLIC_ORIGIN (inherited, else the env default): verification URLs are built on it, never on the Host header. */
const ORIGIN = (process.env.PUBLIC_ORIGIN ?? 'http://localhost:4321').replace(/\/+$/, '');
const course = (
	JSON.parse(readFileSync(path.join(DIST_DIR, 'private', 'manifest.json'), 'utf8')) as { course: { id: string; title: string } }
).course;
const QUIZZES = courseQuizIds();
const ID = /^[a-z2-7]{26}$/;

for (const kind of DATABASE_KINDS) {
	describe(`${kind}: course certificates`, () => {
		let api: ApiServer;
		let admin: Awaited<ReturnType<typeof signInAdmin>>;

		beforeAll(async () => {
			// The counts below include the session's read; with the session in memory (statement-counts.test.ts) it is one fewer.
			api = await startApiServer(kind, { DB_STATEMENT_COUNTS: 'true', SESSION_CACHE: 'off' });
			admin = await signInAdmin(api);
		}, 120_000);
		afterAll(async () => {
			await api?.stop();
		});

		const statements = (res: { headers: Headers }) => Number(res.headers.get('x-db-statements'));
		/** A premium learner (every quiz is open to them) with a display name of their own. */
		const premiumNamed = async (name: string) => {
			const learner = await registerPremium(api, admin.client, 'cert');
			const renamed = await learner.client.request('PATCH', '/api/v1/me', { displayName: name });
			expect(renamed.status, renamed.text).toBe(200);
			return learner;
		};
		/** A server-rendered page with the learner's session (pages are not in the API document). */
		const pageAs = (learner: Learner | null, pathname: string) => {
			const client = api.client(false);
			client.cookie = learner?.client.cookie ?? '';
			return client.get(pathname);
		};

		it('is a 404 with a plain sentence until the last quiz is passed, then issued with the snapshot and the pass date', async () => {
			expect(QUIZZES.length).toBeGreaterThan(1);
			const learner = await premiumNamed('Grace Hopper');
			const last = QUIZZES.at(-1) as string;
			await passEveryQuiz(learner.client, QUIZZES.slice(0, -1));
			// A failed attempt at the last quiz earns nothing.
			await learner.client.post(`/api/v1/me/quizzes/${last}/attempts`, { answers: wrongAnswers(quizKey(last)) });
			const before = await learner.client.get('/api/v1/me/certificate');
			expect(before.status).toBe(404);
			expect(isErrorShape(before.json)).toBe(true);
			expect(before.json.error.message).toBe(
				'You have not earned the certificate yet: it is issued once you have passed every quiz of the course.',
			);
			expect(statements(before)).toBe(2);
			const pageBefore = await pageAs(learner, '/dashboard');
			expect(pageBefore.text).not.toContain('data-certificate-link');

			const pass = await learner.client.post(`/api/v1/me/quizzes/${last}/attempts`, { answers: correctAnswers(quizKey(last)) });
			expect(pass.json.passed).toBe(true);
			const first = await learner.client.get('/api/v1/me/certificate');
			expect(first.status, first.text).toBe(200);
			// The passing attempt issued it: the first view only reads (session + one statement), like every later one.
			expect(statements(first)).toBe(2);
			expect(first.json).toEqual({
				id: expect.stringMatching(ID),
				valid: true,
				learnerName: 'Grace Hopper',
				courseTitle: course.title,
				issuedAt: pass.json.createdAt,
				verificationUrl: `${ORIGIN}/certificates/${first.json.id}`,
				openBadgeUrl: `${ORIGIN}/certificates/${first.json.id}/badge.jwt`,
			});
			const again = await learner.client.get('/api/v1/me/certificate');
			expect(again.json).toEqual(first.json);
			expect(statements(again)).toBe(2);

			// The dashboard links it, still in one statement besides the session.
			const dashboard = await pageAs(learner, '/dashboard');
			expect(statements(dashboard)).toBe(2);
			expect(dashboard.text).toContain(`href="/certificates/${first.json.id}"`);
			expect(dashboard.text).toMatch(/data-milestone="first_pass" data-reached="true"/);
			expect(dashboard.text).toMatch(/data-milestone="course_complete" data-reached="true"/);
			expect(dashboard.text).toMatch(/data-milestone="streak_7" data-reached="false"/);
			expect(dashboard.text).toMatch(/data-mastery="mastered"/);

			// A rename later, or more passes, leave what was certified as it was.
			expect((await learner.client.request('PATCH', '/api/v1/me', { displayName: 'G. Hopper' })).status).toBe(200);
			await learner.client.post(`/api/v1/me/quizzes/${last}/attempts`, { answers: correctAnswers(quizKey(last)) });
			const verified = await api.client().get(`/api/v1/certificates/${first.json.id}`);
			expect(verified.json).toEqual(first.json);
		});

		it('is issued by the final pass itself: the dashboard, viewed first, only reads and already links it', async () => {
			const learner = await premiumNamed('first view on the dashboard');
			await passEveryQuiz(learner.client);
			const dashboard = await pageAs(learner, '/dashboard');
			expect(statements(dashboard)).toBe(2);
			const id = /href="\/certificates\/([a-z2-7]{26})"/.exec(dashboard.text)?.[1];
			expect(id).toMatch(ID);
			// Anyone can verify it at once: the row exists without the learner's own certificate view.
			expect((await api.client().get(`/api/v1/certificates/${id}`)).json.learnerName).toBe('first view on the dashboard');
		});

		it('is issued once when the last quizzes are passed concurrently, and concurrent views all read that one', async () => {
			const learner = await premiumNamed('concurrent');
			const lastTwo = QUIZZES.slice(-2);
			await passEveryQuiz(learner.client, QUIZZES.slice(0, -2));
			const passes = await Promise.all(
				[...lastTwo, ...lastTwo, ...lastTwo].map((id) =>
					learner.client.post(`/api/v1/me/quizzes/${id}/attempts`, { answers: correctAnswers(quizKey(id)) }),
				),
			);
			expect(passes.map((p) => p.status)).toEqual(passes.map(() => 201));
			const views = await Promise.all([
				...Array.from({ length: 6 }, () => learner.client.get('/api/v1/me/certificate')),
				...Array.from({ length: 3 }, () => pageAs(learner, '/dashboard')),
			]);
			const apiViews = views.slice(0, 6);
			expect(apiViews.map((v) => v.status)).toEqual(apiViews.map(() => 200));
			const ids = new Set(apiViews.map((v) => v.json.id));
			expect(ids.size).toBe(1);
			const [id] = [...ids];
			for (const page of views.slice(6)) expect(page.text).toContain(`href="/certificates/${id}"`);
			// Dated by a passing attempt, no earlier than the first pass of the quiz passed last: the first pass that
			// issues it reads the attempts committed by then, which may include one made a moment after its own.
			const firstPasses = lastTwo.map((quizId) =>
				Math.min(...passes.filter((p) => p.json.quizId === quizId).map((p) => Date.parse(p.json.createdAt))),
			);
			const issuedAt = Date.parse(apiViews[0]?.json.issuedAt);
			expect(passes.map((p) => Date.parse(p.json.createdAt))).toContain(issuedAt);
			expect(issuedAt).toBeGreaterThanOrEqual(Math.max(...firstPasses));
		});

		it.runIf(kind === 'postgres')(
			'a pass of a quiz passed before issues it from its own statement’s records when it is missing',
			async () => {
				const learner = await premiumNamed('issued again');
				await passEveryQuiz(learner.client);
				expect((await learner.client.get('/api/v1/me/certificate')).status).toBe(200);
				// As if it had never been issued (completed before certificates existed, or a quiz removed since).
				const db = new pg.Client({ connectionString: api.database.url });
				await db.connect();
				try {
					expect((await db.query('DELETE FROM certificates WHERE user_id = $1', [learner.id])).rowCount).toBe(1);
				} finally {
					await db.end();
				}
				expect((await learner.client.get('/api/v1/me/certificate')).status).toBe(404);
				const [quizId] = QUIZZES as [string];
				const again = await learner.client.post(`/api/v1/me/quizzes/${quizId}/attempts`, { answers: correctAnswers(quizKey(quizId)) });
				expect(again.status, again.text).toBe(201);
				// The session, the attempt with the records before it, the certificate's INSERT: no second read.
				expect(statements(again)).toBe(3);
				const view = await learner.client.get('/api/v1/me/certificate');
				expect(view.status, view.text).toBe(200);
				expect(view.json.learnerName).toBe('issued again');
			},
		);

		it('is verified by anyone, signed out: the API and the printable page show name, course, date and nothing private', async () => {
			const learner = await premiumNamed('Ada Lovelace');
			await passEveryQuiz(learner.client);
			const own = (await learner.client.get('/api/v1/me/certificate')).json;
			const anonymous = api.client();
			const res = await anonymous.get(`/api/v1/certificates/${own.id}`);
			expect(res.status).toBe(200);
			expect(res.json).toEqual(own);
			// Upper case or surrounding spaces, as someone may type it, find it too.
			expect((await anonymous.get(`/api/v1/certificates/${own.id.toUpperCase()}`)).json.id).toBe(own.id);
			expect(JSON.stringify(res.json)).not.toContain(learner.email);
			expect(JSON.stringify(res.json)).not.toContain(learner.id);

			const page = await pageAs(null, `/certificates/${own.id}`);
			expect(page.status).toBe(200);
			expect(page.headers.get('x-robots-tag')).toBe('noindex');
			expect(page.text).toContain('<meta name="robots" content="noindex">');
			expect(page.text).toContain('Ada Lovelace');
			expect(page.text).toContain(course.title);
			expect(page.text).toContain(`>${own.id}<`);
			expect(page.text).toContain(`${ORIGIN}/certificates/${own.id}`);
			expect(page.text).toMatch(/<time datetime="[^"]+" data-issued-on>\w+ \d{1,2}, \d{4}<\/time>/);
			// The print stylesheet (in the site's CSS) drops the site's header and footer.
			const stylesheet = /<link rel="stylesheet" href="([^"]+)"/.exec(page.text)?.[1] as string;
			const css = await (await fetch(`${api.url}${stylesheet}`)).text();
			expect(css).toMatch(/@media print\s*\{[^}]*\.site-header/);
			expect(page.text).not.toContain(learner.email);
			expect(page.text).not.toContain(learner.id);
		});

		it('an unknown or malformed id is a 404 with a plain sentence, on the API and on the page', async () => {
			const anonymous = api.client();
			for (const id of ['a'.repeat(26), 'not-an-id', '../me']) {
				const res = await anonymous.get(`/api/v1/certificates/${encodeURIComponent(id)}`);
				expect(res.status, id).toBe(404);
				expect(isErrorShape(res.json)).toBe(true);
				expect(res.json.error.message).toBe('No certificate has this verification id. Check that the whole id was copied.');
			}
			const page = await pageAs(null, `/certificates/${'b'.repeat(26)}`);
			expect(page.status).toBe(404);
			expect(page.text).toContain('No certificate has this verification id.');
			expect((await anonymous.get(`/api/v1/certificates/${'x'.repeat(101)}`)).status).toBe(400);
		});

		it("another learner never gets someone's certificate through getCertificate; anonymous is a 401", async () => {
			const graduate = await premiumNamed('graduate');
			await passEveryQuiz(graduate.client);
			const own = (await graduate.client.get('/api/v1/me/certificate')).json;
			const other = await registerLearner(api, 'other');
			for (const target of ['/api/v1/me/certificate', `/api/v1/me/certificate?userId=${graduate.id}&id=${own.id}`]) {
				const res = await other.client.get(target);
				expect(res.status, target).toBe(404);
				expect(res.text).not.toContain(own.id);
			}
			const other404 = await pageAs(other, '/dashboard');
			expect(other404.text).not.toContain(own.id);
			expect((await api.client().get('/api/v1/me/certificate')).status).toBe(401);
		});

		it('the Open Badges 3.0 credential is a VC-JWT that verifies with the key published at /certificates/keys.json', async () => {
			const learner = await premiumNamed('Badge Holder');
			await passEveryQuiz(learner.client);
			const own = (await learner.client.get('/api/v1/me/certificate')).json;
			const res = await fetch(`${api.url}/certificates/${own.id}/badge.jwt`);
			expect(res.status).toBe(200);
			expect(res.headers.get('content-type')).toBe('application/vc+jwt');
			const jwt = await res.text();
			const [h, p, s] = jwt.split('.') as [string, string, string];
			const header = JSON.parse(Buffer.from(h, 'base64url').toString());
			const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
			const keys = (await (await fetch(`${api.url}/certificates/keys.json`)).json()) as { keys: { kid: string; x: string }[] };
			expect(header).toMatchObject({
				alg: 'EdDSA',
				typ: 'JWT',
				kid: keys.keys[0]?.kid,
				jwk: { kty: 'OKP', crv: 'Ed25519', x: keys.keys[0]?.x },
			});
			const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: keys.keys[0]?.x as string }, format: 'jwk' });
			expect(verify(null, Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s, 'base64url'))).toBe(true);
			// One byte changed in the payload: the signature no longer holds.
			const forged = Buffer.from(
				JSON.stringify({ ...payload, credentialSubject: { ...payload.credentialSubject, identifier: [] } }),
			).toString('base64url');
			expect(verify(null, Buffer.from(`${h}.${forged}`), publicKey, Buffer.from(s, 'base64url'))).toBe(false);
			expect(payload).toMatchObject({
				'@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
				id: own.verificationUrl,
				type: ['VerifiableCredential', 'OpenBadgeCredential'],
				issuer: { id: `${ORIGIN}/`, type: ['Profile'] },
				validFrom: own.issuedAt.replace(/\.\d{3}Z$/, 'Z'),
				credentialSubject: {
					type: ['AchievementSubject'],
					identifier: [{ type: 'IdentityObject', identityType: 'name', hashed: false, identityHash: 'Badge Holder' }],
					achievement: { type: ['Achievement'], criteria: { narrative: expect.any(String) } },
				},
				iss: `${ORIGIN}/`,
				jti: own.verificationUrl,
				nbf: Math.floor(Date.parse(own.issuedAt) / 1000),
			});
			expect(JSON.stringify(payload)).not.toContain(learner.email);
			expect((await fetch(`${api.url}/certificates/${'c'.repeat(26)}/badge.jwt`)).status).toBe(404);
		});

		it('getCertificate and verifyCertificate are MCP tools with the same answers', async () => {
			const login = await api
				.client(false)
				.post('/api/v1/auth/login', { email: 'premium@demo.test', password: 'learn-with-chatgpt', session: 'bearer' });
			const premium = api.client();
			premium.bearer = login.json.token;
			await passEveryQuiz(premium);
			const own = (await premium.get('/api/v1/me/certificate')).json;
			const connect = async (bearer?: string) => {
				const client = new McpClient({ name: 'certificates-test', version: '1.0.0' });
				await client.connect(
					new StreamableHTTPClientTransport(
						new URL('/mcp', api.url),
						bearer ? { requestInit: { headers: { Authorization: `Bearer ${bearer}` } } } : undefined,
					),
				);
				return client;
			};
			const signedIn = await connect(login.json.token);
			const anonymous = await connect();
			try {
				const mine = (await signedIn.callTool({ name: 'getCertificate', arguments: {} })) as CallToolResult;
				expect(mine.structuredContent).toEqual(own);
				const checked = (await anonymous.callTool({ name: 'verifyCertificate', arguments: { id: own.id } })) as CallToolResult;
				expect(checked.structuredContent).toEqual(own);
			} finally {
				await signedIn.close();
				await anonymous.close();
			}
		});
	});
}
