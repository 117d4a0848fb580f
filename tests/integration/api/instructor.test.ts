/**
 * The instructor's operations over real HTTP, on PGlite and PostgreSQL: five learners submit known
 * first attempts (and two retries) at one quiz, and every item-analysis figure must equal the one
 * computed by hand in the table below; the class list sorts, filters and pages; both CSV exports
 * parse back with the formula guard; learners get 403 and anonymous callers 401; /instructor renders
 * without JavaScript.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../helpers/databases.ts';
import type { Client } from '../../helpers/server.ts';
import {
	type ApiServer,
	FREE_CHAPTER,
	type Learner,
	type QuizKey,
	PASSWORD,
	quizKey,
	setTierAsAdmin,
	signInAdmin,
	startApiServer,
	uniqueEmail,
} from './fixtures.ts';

/** RFC 4180 reader, just enough for our files: quoted fields, doubled quotes, CRLF rows. */
function parseCsv(text: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let field = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i] as string;
		if (quoted) {
			if (ch === '"' && text[i + 1] === '"') {
				field += '"';
				i++;
			} else if (ch === '"') quoted = false;
			else field += ch;
		} else if (ch === '"') quoted = true;
		else if (ch === ',') {
			row.push(field);
			field = '';
		} else if (ch === '\r' && text[i + 1] === '\n') {
			row.push(field);
			rows.push(row);
			row = [];
			field = '';
			i++;
		} else field += ch;
	}
	if (field !== '' || row.length > 0) throw new Error('CSV does not end with CRLF');
	return rows;
}

type Pick = 'C' | 'W1' | 'W2' | 'P';
/** C: the key; W1/W2: the first/second wrong option in option order; P: only the first correct option (multiple choice). */
function choose(q: QuizKey['questions'][number], pick: Pick): string[] {
	const wrong = q.options.filter((o) => !q.correct.includes(o.id)).map((o) => o.id);
	if (pick === 'C') return [...q.correct];
	if (pick === 'P') return [q.correct[0] as string];
	return [wrong[pick === 'W1' ? 0 : 1] as string];
}

// First attempts, question by question (totals 5, 4, 3, 2, 1: no ties, so the 27 % groups are
// the top learner, Ada, and the bottom one, Ed).
const FIRST: Record<string, Pick[]> = {
	'Ada Q': ['C', 'C', 'C', 'W1', 'C', 'C'],
	'Ben Q': ['C', 'C', 'C', 'W1', 'C', 'W1'],
	'Cy Q': ['W1', 'P', 'C', 'C', 'W1', 'C'],
	'Di Q': ['W1', 'W1', 'W2', 'C', 'C', 'P'],
	'Ed Q': ['W2', 'W1', 'W1', 'C', 'W1', 'W1'],
};
/** Learners who retry with every answer right: counted in attempts, not in first-attempt figures. */
const RETRY = ['Cy Q', 'Di Q'];

/** By hand from the table: [first correct, wrong first answers, top wrong pick, its count, discrimination]. */
const EXPECTED: [number, number, Pick, number, number][] = [
	[2, 3, 'W1', 2, 1], // wrong: Cy W1, Di W1, Ed W2; Ada right, Ed wrong
	[2, 3, 'W1', 2, 1], // wrong: Cy P (no wrong option), Di W1, Ed W1
	[3, 2, 'W1', 1, 1], // wrong: Di W2, Ed W1; a tie goes to the earlier option
	[3, 2, 'W1', 2, -1], // wrong: Ada W1, Ben W1; Ada wrong, Ed right
	[3, 2, 'W1', 2, 1], // wrong: Cy W1, Ed W1
	[2, 3, 'W1', 2, 1], // wrong: Ben W1, Di P, Ed W1
];

/** registerLearner names the account after its email tag; these names have spaces and quotes. */
async function registerNamed(api: ApiServer, displayName: string): Promise<Learner> {
	const client = api.client();
	const email = uniqueEmail('class');
	const res = await client.post('/api/v1/auth/register', { email, password: PASSWORD, displayName });
	if (res.status !== 201) throw new Error(`register ${displayName}: ${res.status} ${res.text}`);
	return { client, id: res.json.user.id as string, email, password: PASSWORD };
}

describe.each(DATABASE_KINDS)('%s: instructor dashboards', (kind) => {
	let api: ApiServer;
	let admin: Client;
	let key: QuizKey;
	const learners = new Map<string, Learner>();
	let formulaLearner: Learner;

	beforeAll(async () => {
		api = await startApiServer(kind);
		admin = (await signInAdmin(api)).client;
		key = quizKey(FREE_CHAPTER);
		for (const [name, picks] of Object.entries(FIRST)) {
			const learner = await registerNamed(api, name);
			learners.set(name, learner);
			const answers = Object.fromEntries(key.questions.map((q, i) => [q.id, choose(q, picks[i] as Pick)]));
			const res = await learner.client.post(`/api/v1/me/quizzes/${key.id}/attempts`, { answers });
			expect(res.status, res.text).toBe(201);
		}
		for (const name of RETRY) {
			const answers = Object.fromEntries(key.questions.map((q) => [q.id, choose(q, 'C')]));
			expect((await learners.get(name)?.client.post(`/api/v1/me/quizzes/${key.id}/attempts`, { answers }))?.status).toBe(201);
		}
		const ada = learners.get('Ada Q') as Learner;
		for (const chapterId of [FREE_CHAPTER, 'what-is-an-agent']) {
			expect((await ada.client.post('/api/v1/me/progress', { chapterId })).status).toBe(200);
		}
		expect((await learners.get('Ben Q')?.client.post('/api/v1/me/progress', { chapterId: FREE_CHAPTER }))?.status).toBe(200);
		// Never active, on premium, and named like a spreadsheet formula.
		formulaLearner = await registerNamed(api, '=HYPERLINK("http://x.test","y")');
		await setTierAsAdmin(admin, formulaLearner.id, 'premium');
	}, 120_000);

	afterAll(async () => {
		await api?.stop();
	});

	it('the fixture quiz has the question types the table assumes', () => {
		expect(key.questions.map((q) => q.type)).toEqual(['single', 'multiple', 'single', 'true_false', 'single', 'multiple']);
	});

	it('item analysis: every figure equals the hand computation', async () => {
		const res = await admin.get(`/api/v1/admin/quizzes/${key.id}/statistics`);
		expect(res.status, res.text).toBe(200);
		const stats = res.json;
		expect(stats).toMatchObject({ quizId: key.id, learners: 5, attempts: 7, groupSize: 1 });
		expect(stats.questions).toHaveLength(key.questions.length);
		for (const [i, q] of key.questions.entries()) {
			const [correct, wrong, pick, count, discrimination] = EXPECTED[i] as (typeof EXPECTED)[number];
			const optionId = choose(q, pick)[0];
			expect(stats.questions[i]).toEqual({
				questionId: q.id,
				prompt: expect.any(String),
				attempts: 7,
				firstAttempts: 5,
				firstAttemptsCorrect: correct,
				firstAttemptCorrectRate: correct / 5,
				wrongFirstAttempts: wrong,
				mostChosenWrongOption: { optionId, text: expect.any(String), count, share: count / wrong },
				discrimination,
			});
		}
	});

	it('item analysis CSV: one row per question, same figures, BOM and attachment', async () => {
		const res = await admin.get(`/api/v1/admin/quizzes/${key.id}/statistics/export`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="item-analysis-tool-use-\d{4}-\d{2}-\d{2}\.csv"$/);
		const bytes = new Uint8Array(
			await (
				await fetch(`${api.url}/api/v1/admin/quizzes/${key.id}/statistics/export`, { headers: { cookie: admin.cookie } })
			).arrayBuffer(),
		);
		expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const [header, ...rows] = parseCsv(res.text.replace(/^\uFEFF/, ''));
		expect(header?.[0]).toBe('question_id');
		expect(rows.map((r) => r[0])).toEqual(key.questions.map((q) => q.id));
		expect(rows.map((r) => Number(r[4]))).toEqual(EXPECTED.map(([c]) => (c / 5) * 100));
		expect(rows.map((r) => Number(r[8]))).toEqual(EXPECTED.map((e) => e[4]));
	});

	it('an unknown quiz is a 404 in the error shape', async () => {
		const res = await admin.get('/api/v1/admin/quizzes/no-such-quiz/statistics');
		expect(res.status).toBe(404);
		expect(res.json.error.code).toBe('not_found');
	});

	it('lists learners with progress, last active day, streak and best scores', async () => {
		const res = await admin.get('/api/v1/admin/learners?sort=progress&limit=2');
		expect(res.status, res.text).toBe(200);
		expect(res.json.learners.map((l: { displayName: string }) => l.displayName)).toEqual(['Ada Q', 'Ben Q']);
		const [ada, ben] = res.json.learners;
		expect(ada).toMatchObject({ id: learners.get('Ada Q')?.id, tier: 'free', chaptersCompleted: 2, percentComplete: 20, currentStreak: 1 });
		expect(ada.lastActiveDay).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		// Ada scored 5 of 6 (83 %) on her only attempt; Ben 4 of 6 (67 %).
		expect(ada.bestScores).toEqual({ [key.id]: 83 });
		expect(ada).toMatchObject({ quizzesTaken: 1, averageBestPercent: 83, quizzesPassed: 83 >= key.passMark ? 1 : 0 });
		expect(ben).toMatchObject({ chaptersCompleted: 1, percentComplete: 10, bestScores: { [key.id]: 67 } });
		// Cy's retry got everything right: the best score is the retry.
		const all = (await admin.get('/api/v1/admin/learners?limit=200')).json.learners as {
			displayName: string;
			bestScores: Record<string, number>;
		}[];
		expect(all.find((l) => l.displayName === 'Cy Q')?.bestScores[key.id]).toBe(100);
	});

	it('sorts by name and last active, and pages through the same list', async () => {
		const full = (await admin.get('/api/v1/admin/learners?limit=200')).json;
		// Six registered here plus the seeded free and premium learners; the admin is not a learner.
		expect(full.total).toBe(8);
		const names: string[] = full.learners.map((l: { displayName: string }) => l.displayName);
		expect(names.filter((n) => n.endsWith(' Q'))).toEqual(['Ada Q', 'Ben Q', 'Cy Q', 'Di Q', 'Ed Q']);
		const reversed = (await admin.get('/api/v1/admin/learners?limit=200&order=desc')).json.learners.map(
			(l: { displayName: string }) => l.displayName,
		);
		expect(reversed).toEqual([...names].reverse());
		const paged: string[] = [];
		for (let offset: number | null = 0; offset !== null; ) {
			const page: { total: number; learners: { displayName: string }[]; nextOffset: number | null } = (
				await admin.get(`/api/v1/admin/learners?limit=3&offset=${offset}`)
			).json;
			expect(page.total).toBe(8);
			paged.push(...page.learners.map((l: { displayName: string }) => l.displayName));
			offset = page.nextOffset;
		}
		expect(paged).toEqual(names);
		const past = (await admin.get('/api/v1/admin/learners?limit=3&offset=50')).json;
		expect(past).toMatchObject({ learners: [], total: 8, nextOffset: null });
		const recent = (await admin.get('/api/v1/admin/learners?sort=lastActive&limit=200')).json.learners;
		// The five who took the quiz today come first (by name on the same day); the never-active last.
		expect(recent.slice(0, 5).map((l: { displayName: string }) => l.displayName)).toEqual(['Ada Q', 'Ben Q', 'Cy Q', 'Di Q', 'Ed Q']);
		expect(recent.slice(5).every((l: { lastActiveDay: string | null }) => l.lastActiveDay === null)).toBe(true);
	});

	it('filters by tier and by activity in the last 7 days', async () => {
		const premium = (await admin.get('/api/v1/admin/learners?tier=premium')).json;
		expect(premium.total).toBe(2);
		expect(premium.learners.map((l: { id: string }) => l.id)).toContain(formulaLearner.id);
		const active = (await admin.get('/api/v1/admin/learners?activity=active')).json;
		expect(active.learners.map((l: { displayName: string }) => l.displayName)).toEqual(['Ada Q', 'Ben Q', 'Cy Q', 'Di Q', 'Ed Q']);
		const inactive = (await admin.get('/api/v1/admin/learners?activity=inactive&tier=premium')).json;
		expect(inactive.total).toBe(2);
		const bad = await admin.get('/api/v1/admin/learners?sort=email');
		expect(bad.status).toBe(400);
	});

	it('exports learners as CSV that parses back, with the formula guard', async () => {
		const res = await admin.get('/api/v1/admin/learners/export?sort=progress');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="learners-\d{4}-\d{2}-\d{2}\.csv"$/);
		// fetch's text() drops a BOM, so the bytes are read separately.
		const raw = new Uint8Array(
			await (await fetch(`${api.url}/api/v1/admin/learners/export`, { headers: { cookie: admin.cookie } })).arrayBuffer(),
		);
		expect([...raw.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const [header, ...rows] = parseCsv(res.text.replace(/^\uFEFF/, ''));
		expect(header?.slice(0, 4)).toEqual(['name', 'email', 'tier', 'percent_complete']);
		expect(rows).toHaveLength(8);
		expect(rows.every((r) => r.length === header?.length)).toBe(true);
		expect(rows[0]?.slice(0, 4)).toEqual(['Ada Q', learners.get('Ada Q')?.email, 'free', '20']);
		expect(rows[0]?.[header?.indexOf(`best_${key.id}`) ?? -1]).toBe('83');
		const formula = rows.find((r) => r[1] === formulaLearner.email);
		expect(formula?.[0]).toBe(`'=HYPERLINK("http://x.test","y")`);
		const premiumOnly = parseCsv((await admin.get('/api/v1/admin/learners/export?tier=premium')).text.replace(/^\uFEFF/, ''));
		expect(premiumOnly).toHaveLength(3);
	});

	it('funnel and daily activity count the class', async () => {
		const res = await admin.get('/api/v1/admin/overview');
		expect(res.status, res.text).toBe(200);
		expect(res.json.learners).toBe(8);
		const chapter = res.json.chapters.find((c: { chapterId: string }) => c.chapterId === FREE_CHAPTER);
		// Ada and Ben marked it read; five attempted; passes from the best attempts (Ada 83, Ben 67, Cy and Di 100 on retry).
		const passed = [83, 67, 100, 100].filter((p) => p >= key.passMark).length;
		expect(chapter).toMatchObject({ read: 2, quizId: key.id, quizAttempted: 5, quizPassed: passed });
		expect(res.json.activePerDay).toHaveLength(30);
		expect(res.json.activePerDay.reduce((a: number, d: { learners: number }) => a + d.learners, 0)).toBe(5);
	});

	it('learners get 403 and anonymous callers 401, on every instructor route', async () => {
		const learner = learners.get('Ada Q') as Learner;
		const anonymous = api.client();
		for (const path of [
			'/api/v1/admin/learners',
			'/api/v1/admin/learners/export',
			`/api/v1/admin/quizzes/${key.id}/statistics`,
			`/api/v1/admin/quizzes/${key.id}/statistics/export`,
			'/api/v1/admin/overview',
		]) {
			expect((await learner.client.get(path)).status, path).toBe(403);
			expect((await anonymous.get(path)).status, path).toBe(401);
		}
	});

	it('/instructor renders every figure in the HTML (no script needed) for an admin, and refuses a learner', async () => {
		// Pages are not in /openapi.json: unchecked clients holding the same sessions.
		const page = api.client(false);
		page.cookie = admin.cookie;
		const res = await page.get(`/instructor?sort=progress&quiz=${key.id}`);
		expect(res.status).toBe(200);
		expect(res.text).toContain('data-learners');
		expect(res.text).toContain('Ada Q');
		expect(res.text).toMatch(/<svg[^>]*role="img"/);
		expect(res.text).toContain('data-active-days');
		expect(res.text).toContain('data-item-analysis');
		expect(res.text).toContain(`/api/v1/admin/quizzes/${key.id}/statistics/export`);
		const learnerPage = api.client(false);
		learnerPage.cookie = (learners.get('Ben Q') as Learner).client.cookie;
		const refused = await learnerPage.get('/instructor');
		expect(refused.status).toBe(403);
		expect(refused.text).not.toContain('Ada Q');
	});
});
