/**
 * The benchmark's twin (bench/twin/app.py, FastAPI + asyncpg + uvicorn from Debian) answers the learner
 * endpoints with the bytes our server sends, on the same PostgreSQL: otherwise `npm run bench` would
 * compare two servers doing different work. Needs TEST_DATABASE_URL and Debian's python3-fastapi,
 * python3-uvicorn and python3-asyncpg (.ci/run installs them); skips, loudly, without them.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.ts';
import { DIST_DIR, type RunningServer, startServer } from '../helpers/server.ts';

const PYTHON = '/usr/bin/python3';
const hasPostgres = Boolean(process.env.TEST_DATABASE_URL);
const hasTwinStack = spawnSync(PYTHON, ['-c', 'import fastapi, uvicorn, asyncpg'], { stdio: 'ignore' }).status === 0;
if (!hasPostgres) console.warn('\n*** twin test skipped: set TEST_DATABASE_URL to a PostgreSQL server (CI does) ***\n');
else if (!hasTwinStack)
	console.warn('\n*** twin test skipped: apt-get install -y python3-fastapi python3-uvicorn python3-asyncpg (.ci/run does) ***\n');

const PASSWORD = 'learn-with-chatgpt';

describe.skipIf(!hasPostgres || !hasTwinStack)('the benchmark twin returns our bodies byte for byte', () => {
	let database: TestDatabase;
	let ours: RunningServer;
	let twin: ChildProcess;
	let twinUrl: string;
	let admin: string;

	async function call(base: string, method: string, pathname: string, token: string, body?: unknown) {
		const res = await fetch(base + pathname, {
			method,
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
	}

	async function learner(n: number): Promise<string> {
		const res = await fetch(`${ours.url}/api/v1/auth/register`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ email: `twin-${n}@twin.test`, password: PASSWORD, displayName: `Twin ${n}`, session: 'bearer' }),
		});
		const made = (await res.json()) as { token: string; user: { id: string } };
		const tier = await call(ours.url, 'POST', `/api/v1/admin/users/${made.user.id}/tier`, admin, { tier: 'premium', reason: 'twin test' });
		expect(tier.status).toBe(200);
		return made.token;
	}

	beforeAll(async () => {
		database = await createTestDatabase('postgres');
		ours = await startServer({ databaseUrl: database.url });
		const login = await fetch(`${ours.url}/api/v1/auth/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ email: 'admin@demo.test', password: PASSWORD, session: 'bearer' }),
		});
		admin = ((await login.json()) as { token: string }).token;
		const probe = net.createServer();
		await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
		const { port } = probe.address() as net.AddressInfo;
		await new Promise((resolve) => probe.close(resolve));
		twin = spawn(PYTHON, ['-m', 'uvicorn', 'app:app', '--host', '127.0.0.1', '--port', String(port), '--log-level', 'info'], {
			cwd: path.resolve('bench/twin'),
			env: { ...process.env, TWIN_DATABASE_URL: database.url, TWIN_DIST_DIR: DIST_DIR, PYTHONDONTWRITEBYTECODE: '1' },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let out = '';
		await new Promise<void>((resolve, reject) => {
			const onData = (d: Buffer) => {
				out += d;
				if (out.includes('Application startup complete')) resolve();
			};
			twin.stdout?.on('data', onData);
			twin.stderr?.on('data', onData);
			twin.once('exit', (code) => reject(new Error(`twin exited with ${code}:\n${out}`)));
		});
		twinUrl = `http://127.0.0.1:${port}`;
	}, 120_000);

	afterAll(async () => {
		if (twin && twin.exitCode === null) {
			const exited = new Promise((resolve) => twin.once('exit', resolve));
			twin.kill('SIGTERM');
			await exited;
		}
		await ours?.stop();
		await database?.drop();
	});

	it('for check-in, streak, progress and a quiz submission, first and repeated', async () => {
		const manifest = JSON.parse(readFileSync(path.join(DIST_DIR, 'private', 'manifest.json'), 'utf8')) as {
			chapters: { id: string; tier: string }[];
			quizzes: { id: string; tier: string; chapterId: string }[];
		};
		const quiz = manifest.quizzes.find((q) => q.tier !== 'free') ?? manifest.quizzes[0];
		const chapter = manifest.chapters.find((c) => c.id === quiz?.chapterId) ?? manifest.chapters[0];
		if (!quiz || !chapter) throw new Error('The fixture course needs a chapter and a quiz.');
		const key = JSON.parse(readFileSync(path.join(DIST_DIR, 'private', 'quizzes', `${quiz.id}.json`), 'utf8')) as {
			questions: { id: string; correct: string[] }[];
		};
		const answers = { answers: Object.fromEntries(key.questions.map((q) => [q.id, q.correct])) };
		const steps: [string, string, unknown?][] = [
			['GET', '/api/v1/me/streak'],
			['POST', '/api/v1/me/streak/checkins'],
			['POST', '/api/v1/me/streak/checkins'],
			['POST', '/api/v1/me/progress', { chapterId: chapter.id }],
			['POST', '/api/v1/me/progress', { chapterId: chapter.id }],
			['POST', `/api/v1/me/quizzes/${quiz.id}/attempts`, answers],
			['POST', '/api/v1/me/progress', { chapterId: chapter.id }],
			['GET', '/api/v1/me/streak'],
		];
		// Two learners in the same state, one served by each: the writes, the first and the repeated calls.
		const a = await learner(1);
		const b = await learner(2);
		// What differs between two learners' equal histories: row ids and the instants of their own writes.
		const mask = (text: string) =>
			text.replace(/"attemptId":\d+/g, '"attemptId":0').replace(/"(completedAt|createdAt)":"[^"]+"/g, '"$1":"…"');
		for (const [method, pathname, body] of steps) {
			const mine = await call(ours.url, method, pathname, a, body);
			const theirs = await call(twinUrl, method, pathname, b, body);
			expect(mine.status, `${method} ${pathname}: ${mine.text}`).toBeLessThan(300);
			expect(theirs.status, `${method} ${pathname}`).toBe(mine.status);
			expect(theirs.type).toBe(mine.type);
			expect(mask(theirs.text), `${method} ${pathname}`).toBe(mask(mine.text));
		}
		// The same learner, read by both after the writes: every byte, the instants included.
		for (const [method, pathname, body] of steps.filter(([, p]) => !p.includes('/quizzes/'))) {
			const theirs = await call(twinUrl, method, pathname, a, body);
			const mine = await call(ours.url, method, pathname, a, body);
			expect(theirs.status).toBe(mine.status);
			expect(theirs.text, `${method} ${pathname}`).toBe(mine.text);
		}
	});

	it('refuses a token that names no one, as our server does', async () => {
		const theirs = await call(twinUrl, 'GET', '/api/v1/me/streak', 'aaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb');
		const mine = await call(ours.url, 'GET', '/api/v1/me/streak', 'aaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb');
		expect(theirs.status).toBe(401);
		expect(mine.status).toBe(401);
	});
});
