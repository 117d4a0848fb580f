/**
 * Who may call what: every dynamic operation × {anonymous, free learner, another free learner,
 * premium learner, admin} → the expected status, in one table. A new operation without a row
 * fails the coverage test. Every response is also checked against /openapi.json. Then isolation:
 * one learner never sees another's data, and no learner route takes a user id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../../src/server/operations/index.ts';
import { DATABASE_KINDS } from '../../helpers/databases.ts';
import type { Client } from '../../helpers/server.ts';
import {
	type ApiServer,
	correctAnswers,
	DEMO_PASSWORD,
	FREE_CHAPTER,
	type Learner,
	PREMIUM_CHAPTER,
	passEveryQuiz,
	quizKey,
	registerLearner,
	registerPremium,
	setTierAsAdmin,
	signInAdmin,
	startApiServer,
	uniqueEmail,
	wrongAnswers,
} from './fixtures.ts';

const ACTORS = ['anonymous', 'free', 'otherFree', 'premium', 'admin'] as const;
type ActorName = (typeof ACTORS)[number];

interface Actor {
	name: ActorName;
	/** null for the anonymous actor. */
	learner: Learner | null;
}

interface Call {
	method: string;
	path: string;
	body?: unknown;
	headers?: Record<string, string>;
	/** A client to use instead of a copy of the actor's session (e.g. a fresh session to log out). */
	client?: Client;
}

interface Row {
	operationId: string;
	scenario: string;
	/** Expected status for anonymous, free, otherFree, premium, admin. */
	expected: [number, number, number, number, number];
	call(actor: Actor, world: World): Call | Promise<Call>;
}

interface World {
	api: ApiServer;
	actors: Record<ActorName, Actor>;
	/** A learner no actor is: the target of admin actions and of cross-user attempts. */
	bystander: Learner;
	bystanderSessionId: string;
	/** A premium learner who passed every quiz: the id of their certificate. */
	certificateId: string;
	/** A member of a team no actor owns (its owner is on the team tier): the target of cross-team removals. */
	otherTeamMember: Learner;
}

const me = (actor: Actor, world: World) => actor.learner ?? world.bystander;

/** A new session for the actor (a bearer token), so logging out or revoking it spares the actor's main one. */
async function freshSession(world: World, actor: Actor): Promise<{ client: Client; sessionId: string }> {
	const client = world.api.client();
	if (!actor.learner) return { client, sessionId: 'none' };
	const res = await client.post('/api/v1/auth/login', { email: actor.learner.email, password: actor.learner.password, session: 'bearer' });
	client.bearer = res.json.token;
	return { client, sessionId: res.json.token.split('.')[0] };
}

const premiumKey = () => quizKey(PREMIUM_CHAPTER);
const freeKey = () => quizKey(FREE_CHAPTER);

/** The table. Statuses: anonymous, free, otherFree, premium, admin. */
const MATRIX: Row[] = [
	{
		operationId: 'getChapterContent',
		scenario: 'a free chapter',
		expected: [200, 200, 200, 200, 200],
		call: () => ({ method: 'GET', path: `/api/v1/chapters/${FREE_CHAPTER}/content` }),
	},
	{
		operationId: 'getChapterContent',
		scenario: 'a premium chapter',
		expected: [401, 403, 403, 200, 200],
		call: () => ({ method: 'GET', path: `/api/v1/chapters/${PREMIUM_CHAPTER}/content` }),
	},
	{
		operationId: 'searchContent',
		scenario: 'a search (premium passages are locked, not refused)',
		expected: [200, 200, 200, 200, 200],
		call: () => ({ method: 'GET', path: '/api/v1/search?q=agent%20skills%20folder' }),
	},
	{
		operationId: 'getQuiz',
		scenario: 'a free quiz',
		expected: [200, 200, 200, 200, 200],
		call: () => ({ method: 'GET', path: `/api/v1/quizzes/${FREE_CHAPTER}` }),
	},
	{
		operationId: 'getQuiz',
		scenario: 'a premium quiz',
		expected: [401, 403, 403, 200, 200],
		call: () => ({ method: 'GET', path: `/api/v1/quizzes/${PREMIUM_CHAPTER}` }),
	},
	{
		operationId: 'startQuiz',
		scenario: 'a free quiz',
		expected: [401, 200, 200, 200, 200],
		call: () => ({ method: 'POST', path: `/api/v1/me/quizzes/${FREE_CHAPTER}/start` }),
	},
	{
		operationId: 'startQuiz',
		scenario: 'a premium quiz',
		expected: [401, 403, 403, 200, 200],
		call: () => ({ method: 'POST', path: `/api/v1/me/quizzes/${PREMIUM_CHAPTER}/start` }),
	},
	{
		operationId: 'submitQuiz',
		scenario: 'a free quiz',
		expected: [401, 201, 201, 201, 201],
		call: () => ({ method: 'POST', path: `/api/v1/me/quizzes/${FREE_CHAPTER}/attempts`, body: { answers: wrongAnswers(freeKey()) } }),
	},
	{
		operationId: 'submitQuiz',
		scenario: 'a premium quiz',
		expected: [401, 403, 403, 201, 201],
		call: () => ({
			method: 'POST',
			path: `/api/v1/me/quizzes/${PREMIUM_CHAPTER}/attempts`,
			body: { answers: correctAnswers(premiumKey()) },
		}),
	},
	{
		operationId: 'getQuizResults',
		scenario: 'own results on a premium quiz',
		expected: [401, 200, 200, 200, 200],
		call: () => ({ method: 'GET', path: `/api/v1/me/quizzes/${PREMIUM_CHAPTER}/attempts` }),
	},
	{
		operationId: 'getProgress',
		scenario: 'own progress',
		expected: [401, 200, 200, 200, 200],
		call: () => ({ method: 'GET', path: '/api/v1/me/progress' }),
	},
	{
		operationId: 'updateProgress',
		scenario: 'complete a free chapter',
		expected: [401, 200, 200, 200, 200],
		call: () => ({ method: 'POST', path: '/api/v1/me/progress', body: { chapterId: FREE_CHAPTER } }),
	},
	{
		operationId: 'getStreak',
		scenario: 'own streak',
		expected: [401, 200, 200, 200, 200],
		call: () => ({ method: 'GET', path: '/api/v1/me/streak' }),
	},
	{
		operationId: 'recordCheckin',
		scenario: 'check in today',
		expected: [401, 200, 200, 200, 200],
		call: () => ({ method: 'POST', path: '/api/v1/me/streak/checkins' }),
	},
	{
		operationId: 'getCertificate',
		scenario: 'own certificate (none of the actors has passed every quiz: a 404 with a sentence)',
		expected: [401, 404, 404, 404, 404],
		call: () => ({ method: 'GET', path: '/api/v1/me/certificate' }),
	},
	{
		operationId: 'verifyCertificate',
		scenario: "another learner's certificate, by its verification id (public)",
		expected: [200, 200, 200, 200, 200],
		call: (_actor, world) => ({ method: 'GET', path: `/api/v1/certificates/${world.certificateId}` }),
	},
	{
		operationId: 'verifyCertificate',
		scenario: 'an id that was never issued',
		expected: [404, 404, 404, 404, 404],
		call: () => ({ method: 'GET', path: `/api/v1/certificates/${'a'.repeat(26)}` }),
	},
	{
		operationId: 'getReviewQueue',
		scenario: 'own review queue',
		expected: [401, 200, 200, 200, 200],
		call: () => ({ method: 'GET', path: '/api/v1/me/reviews' }),
	},
	{
		operationId: 'submitReview',
		scenario: 'a free question each learner missed in the submitQuiz row above: in the queue, due only tomorrow',
		expected: [401, 409, 409, 409, 409],
		call: () => {
			const q = freeKey().questions[0];
			return { method: 'POST', path: '/api/v1/me/reviews', body: { quizId: FREE_CHAPTER, questionId: q?.id, answer: q?.correct } };
		},
	},
	{
		operationId: 'submitReview',
		scenario: 'a premium question (the tier is checked before the queue)',
		expected: [401, 403, 403, 404, 404],
		call: () => {
			const q = premiumKey().questions[0];
			return { method: 'POST', path: '/api/v1/me/reviews', body: { quizId: PREMIUM_CHAPTER, questionId: q?.id, answer: q?.correct } };
		},
	},
	{
		operationId: 'checkAccess',
		scenario: 'a premium chapter (the answer differs, the call is open to all)',
		expected: [200, 200, 200, 200, 200],
		call: () => ({ method: 'GET', path: `/api/v1/access?resource=chapter:${PREMIUM_CHAPTER}` }),
	},
	{
		operationId: 'getUserTier',
		scenario: 'own tier',
		expected: [401, 200, 200, 200, 200],
		call: () => ({ method: 'GET', path: '/api/v1/me/tier' }),
	},
	{
		operationId: 'upgradeTier',
		scenario: 'raise one’s own tier (the admin raises the bystander’s)',
		expected: [401, 403, 403, 403, 200],
		call: (actor, world) => ({
			method: 'POST',
			path: `/api/v1/admin/users/${actor.name === 'admin' ? world.bystander.id : me(actor, world).id}/tier`,
			body: { tier: 'pro', reason: 'matrix' },
		}),
	},
	{
		operationId: 'upgradeTier',
		scenario: 'change another learner’s tier (the admin leaves the bystander on pro)',
		expected: [401, 403, 403, 403, 200],
		call: (_actor, world) => ({ method: 'POST', path: `/api/v1/admin/users/${world.bystander.id}/tier`, body: { tier: 'pro' } }),
	},
	{
		operationId: 'searchUsers',
		scenario: 'search accounts',
		expected: [401, 403, 403, 403, 200],
		call: () => ({ method: 'GET', path: '/api/v1/admin/users?q=example.test' }),
	},
	{
		operationId: 'getUser',
		scenario: 'read an account by id (learners: their own)',
		expected: [401, 403, 403, 403, 200],
		call: (actor, world) => ({ method: 'GET', path: `/api/v1/admin/users/${me(actor, world).id}` }),
	},
	{
		operationId: 'listLearners',
		scenario: 'the class list',
		expected: [401, 403, 403, 403, 200],
		call: () => ({ method: 'GET', path: '/api/v1/admin/learners?sort=progress&limit=5' }),
	},
	{
		operationId: 'exportLearners',
		scenario: 'the class list as CSV',
		expected: [401, 403, 403, 403, 200],
		call: () => ({ method: 'GET', path: '/api/v1/admin/learners/export' }),
	},
	{
		operationId: 'getQuizStatistics',
		scenario: "a quiz's item analysis",
		expected: [401, 403, 403, 403, 200],
		call: () => ({ method: 'GET', path: `/api/v1/admin/quizzes/${FREE_CHAPTER}/statistics` }),
	},
	{
		operationId: 'exportQuizStatistics',
		scenario: "a quiz's item analysis as CSV",
		expected: [401, 403, 403, 403, 200],
		call: () => ({ method: 'GET', path: `/api/v1/admin/quizzes/${FREE_CHAPTER}/statistics/export` }),
	},
	{
		operationId: 'getClassOverview',
		scenario: 'completion funnel and daily activity',
		expected: [401, 403, 403, 403, 200],
		call: () => ({ method: 'GET', path: '/api/v1/admin/overview' }),
	},
	{
		operationId: 'createTeam',
		scenario: 'create a team (no actor but the admin may: none holds the team tier)',
		expected: [401, 403, 403, 403, 201],
		call: () => ({ method: 'POST', path: '/api/v1/me/team', body: { name: 'Matrix team' } }),
	},
	{
		operationId: 'createTeamInvite',
		scenario: 'invite to one’s own team (only the admin has one)',
		expected: [401, 404, 404, 404, 201],
		call: () => ({ method: 'POST', path: '/api/v1/me/team/invites', body: {} }),
	},
	{
		operationId: 'joinTeam',
		scenario: 'an invitation that was never made',
		expected: [401, 400, 400, 400, 400],
		call: () => ({ method: 'POST', path: '/api/v1/me/team/join', body: { token: 'b'.repeat(32) } }),
	},
	{
		operationId: 'getTeamProgress',
		scenario: 'one’s own team’s progress (only the admin owns a team)',
		expected: [401, 404, 404, 404, 200],
		call: () => ({ method: 'GET', path: '/api/v1/me/team/progress?sort=progress&limit=5' }),
	},
	{
		operationId: 'removeTeamMember',
		scenario: 'a member of another owner’s team (the admin owns a different team)',
		expected: [401, 404, 404, 404, 404],
		call: (_actor, world) => ({ method: 'DELETE', path: `/api/v1/me/team/members/${world.otherTeamMember.id}` }),
	},
	{
		operationId: 'createLearner',
		scenario: 'create an account (a fresh email each call)',
		expected: [401, 403, 403, 403, 201],
		call: () => ({
			method: 'POST',
			path: '/api/v1/admin/users',
			body: { email: uniqueEmail('created'), displayName: 'Created', tier: 'pro' },
		}),
	},
	{
		operationId: 'sendResetLink',
		scenario: 'send a reset link to another learner (learners: to themselves too)',
		expected: [401, 403, 403, 403, 200],
		call: (actor, world) => ({
			method: 'POST',
			path: `/api/v1/admin/users/${actor.name === 'admin' ? world.bystander.id : me(actor, world).id}/reset-link`,
		}),
	},
	{
		operationId: 'getAuditLog',
		scenario: 'read the audit log',
		expected: [401, 403, 403, 403, 200],
		call: () => ({ method: 'GET', path: '/api/v1/admin/audit?page=1&pageSize=5' }),
	},
	{
		operationId: 'billingWebhook',
		scenario: 'an unsigned event (identity grants nothing)',
		expected: [400, 400, 400, 400, 400],
		call: (actor, world) => ({
			method: 'POST',
			path: '/api/v1/billing/webhook',
			body: { id: `evt_${actor.name}`, type: 'subscription.activated', email: me(actor, world).email, tier: 'team' },
		}),
	},
	{
		operationId: 'register',
		scenario: 'a new account',
		expected: [201, 201, 201, 201, 201],
		call: (actor) => ({
			method: 'POST',
			path: '/api/v1/auth/register',
			body: { email: uniqueEmail(`m-${actor.name}`), password: 'matrix-password', displayName: 'M' },
		}),
	},
	{
		operationId: 'login',
		scenario: 'own credentials (anonymous: the bystander’s)',
		expected: [200, 200, 200, 200, 200],
		call: (actor, world) => ({
			method: 'POST',
			path: '/api/v1/auth/login',
			body: { email: me(actor, world).email, password: me(actor, world).password, session: 'bearer' },
		}),
	},
	{
		operationId: 'logout',
		scenario: 'end a fresh session',
		expected: [401, 200, 200, 200, 200],
		call: async (actor, world) => ({ method: 'POST', path: '/api/v1/auth/logout', client: (await freshSession(world, actor)).client }),
	},
	{
		operationId: 'getMe',
		scenario: 'who am I',
		expected: [401, 200, 200, 200, 200],
		call: () => ({ method: 'GET', path: '/api/v1/me' }),
	},
	{
		operationId: 'updateMe',
		scenario: 'set own time zone',
		expected: [401, 200, 200, 200, 200],
		call: () => ({ method: 'PATCH', path: '/api/v1/me', body: { timezone: 'UTC' } }),
	},
	{
		operationId: 'changePassword',
		scenario: 'own password (set to the same value)',
		expected: [401, 200, 200, 200, 200],
		call: (actor, world) => ({
			method: 'POST',
			path: '/api/v1/me/password',
			body: { currentPassword: me(actor, world).password, newPassword: me(actor, world).password },
		}),
	},
	{
		operationId: 'listSessions',
		scenario: 'own sessions',
		expected: [401, 200, 200, 200, 200],
		call: () => ({ method: 'GET', path: '/api/v1/me/sessions' }),
	},
	{
		operationId: 'revokeSession',
		scenario: 'one of one’s own sessions',
		expected: [401, 200, 200, 200, 200],
		call: async (actor, world) => ({ method: 'DELETE', path: `/api/v1/me/sessions/${(await freshSession(world, actor)).sessionId}` }),
	},
	{
		operationId: 'revokeSession',
		scenario: 'another user’s session',
		expected: [401, 404, 404, 404, 404],
		call: (_actor, world) => ({ method: 'DELETE', path: `/api/v1/me/sessions/${world.bystanderSessionId}` }),
	},
	{
		operationId: 'requestPasswordReset',
		scenario: 'a reset link for one’s own email (anonymous: the bystander’s)',
		expected: [202, 202, 202, 202, 202],
		call: (actor, world) => ({ method: 'POST', path: '/api/v1/auth/forgot-password', body: { email: me(actor, world).email } }),
	},
	{
		operationId: 'resetPassword',
		scenario: 'a link that was never sent',
		expected: [400, 400, 400, 400, 400],
		call: () => ({
			method: 'POST',
			path: '/api/v1/auth/reset-password',
			body: { token: 'a'.repeat(32), newPassword: 'matrix-password-2' },
		}),
	},
	{
		operationId: 'health',
		scenario: 'liveness',
		expected: [200, 200, 200, 200, 200],
		call: () => ({ method: 'GET', path: '/api/health' }),
	},
	{
		operationId: 'ready',
		scenario: 'readiness',
		expected: [200, 200, 200, 200, 200],
		call: () => ({ method: 'GET', path: '/api/ready' }),
	},
];

const DYNAMIC_OPERATION_IDS = operations.filter((op) => !op.static).map((op) => op.operationId);

describe('authorization matrix: coverage', () => {
	it('has a row for every dynamic operation (a new operation without a row fails here)', () => {
		const covered = new Set(MATRIX.map((row) => row.operationId));
		expect(DYNAMIC_OPERATION_IDS.filter((id) => !covered.has(id))).toEqual([]);
		expect([...covered].filter((id) => !DYNAMIC_OPERATION_IDS.includes(id))).toEqual([]);
		expect(DYNAMIC_OPERATION_IDS.length).toBeGreaterThanOrEqual(20);
	});
});

describe.each(DATABASE_KINDS)('%s: authorization matrix', (kind) => {
	let world: World;
	beforeAll(async () => {
		const api = await startApiServer(kind, { BILLING_WEBHOOK_SECRET: 'matrix-webhook-secret-0123456789' });
		const admin = await signInAdmin(api);
		const [free, otherFree, premium, bystander] = await Promise.all([
			registerLearner(api, 'free'),
			registerLearner(api, 'other'),
			registerPremium(api, admin.client),
			registerLearner(api, 'bystander'),
		]);
		const bystanderSessionId = (await bystander.client.get('/api/v1/me/sessions')).json.sessions[0].id as string;
		const graduate = await registerPremium(api, admin.client, 'graduate');
		await passEveryQuiz(graduate.client);
		const certificateId = (await graduate.client.get('/api/v1/me/certificate')).json.id as string;
		const [teamOwner, otherTeamMember] = await Promise.all([registerLearner(api, 'team-owner'), registerLearner(api, 'team-member')]);
		await setTierAsAdmin(admin.client, teamOwner.id, 'team');
		expect((await teamOwner.client.post('/api/v1/me/team', { name: 'Other team' })).status).toBe(201);
		const invite = await teamOwner.client.post('/api/v1/me/team/invites', {});
		const token = new URL(invite.json.url).searchParams.get('token');
		expect((await otherTeamMember.client.post('/api/v1/me/team/join', { token })).status).toBe(200);
		world = {
			api,
			bystander,
			bystanderSessionId,
			certificateId,
			otherTeamMember,
			actors: {
				anonymous: { name: 'anonymous', learner: null },
				free: { name: 'free', learner: free },
				otherFree: { name: 'otherFree', learner: otherFree },
				premium: { name: 'premium', learner: premium },
				admin: { name: 'admin', learner: admin },
			},
		};
	});
	afterAll(async () => {
		await world?.api.stop();
	});

	it.each(MATRIX.map((row) => [row.operationId, row.scenario, row] as const))('%s: %s', async (_id, _scenario, row) => {
		const got: Record<string, number> = {};
		const want: Record<string, number> = {};
		for (const [i, name] of ACTORS.entries()) {
			const actor = world.actors[name];
			const call = await row.call(actor, world);
			// A copy of the actor's session, so a response's Set-Cookie never changes the actor's jar.
			let client = call.client;
			if (!client) {
				client = world.api.client();
				client.cookie = actor.learner?.client.cookie ?? '';
			}
			const res = await client.request(call.method, call.path, call.body, call.headers);
			got[name] = res.status;
			want[name] = row.expected[i] as number;
		}
		expect(got).toEqual(want);
	});

	it('every actor’s session survived the matrix (no row signed anyone out by accident)', async () => {
		for (const name of ACTORS) {
			const learner = world.actors[name].learner;
			if (learner) expect((await learner.client.get('/api/v1/me')).status, name).toBe(200);
		}
		expect((await world.bystander.client.get('/api/v1/me')).status).toBe(200);
	});

	it('refusals carry the reason: 401 unauthorized / sign_in_required, 403 forbidden / upgrade_required', async () => {
		const anon = world.api.client();
		const free = world.actors.free.learner!.client;
		expect((await anon.get('/api/v1/me')).json.error.code).toBe('unauthorized');
		expect((await anon.get(`/api/v1/chapters/${PREMIUM_CHAPTER}/content`)).json.error.code).toBe('sign_in_required');
		const upgrade = await free.get(`/api/v1/chapters/${PREMIUM_CHAPTER}/content`);
		expect(upgrade.json.error).toMatchObject({ code: 'upgrade_required', details: { requiredTier: 'premium', yourTier: 'free' } });
		expect((await free.get('/api/v1/admin/users?q=x')).json.error.code).toBe('forbidden');
	});

	it('checkAccess and search answer differently per tier, without leaking premium text', async () => {
		const answers: Record<string, unknown> = {};
		const lockedPassages: Record<string, number> = {};
		for (const name of ACTORS) {
			const client = world.actors[name].learner?.client ?? world.api.client();
			answers[name] = (await client.get(`/api/v1/access?resource=chapter:${PREMIUM_CHAPTER}`)).json.reason;
			const search = await client.get('/api/v1/search?q=agent%20skills%20folder&limit=20');
			const premiumHits = (search.json.results as { tier: string; locked: boolean; passage?: string }[]).filter((r) => r.tier !== 'free');
			expect(premiumHits.length, `${name} sees premium hits`).toBeGreaterThan(0);
			lockedPassages[name] = premiumHits.filter((r) => r.locked || r.passage === undefined).length;
			for (const hit of premiumHits) expect(hit.locked).toBe(hit.passage === undefined);
		}
		expect(answers).toEqual({
			anonymous: 'sign_in_required',
			free: 'upgrade_required',
			otherFree: 'upgrade_required',
			premium: 'tier_ok',
			admin: 'tier_ok',
		});
		expect(lockedPassages.anonymous).toBeGreaterThan(0);
		expect(lockedPassages.free).toBeGreaterThan(0);
		expect(lockedPassages.premium).toBe(0);
		expect(lockedPassages.admin).toBe(0);
	});

	it('no learner raised their own tier: the matrix’s upgrade attempts changed nothing', async () => {
		const tiers: Record<string, string> = {};
		for (const name of ['free', 'otherFree', 'premium'] as const) {
			tiers[name] = (await world.actors[name].learner!.client.get('/api/v1/me')).json.tier;
		}
		expect(tiers).toEqual({ free: 'free', otherFree: 'free', premium: 'premium' });
		const admin = world.actors.admin.learner!.client;
		const history = (await admin.get(`/api/v1/admin/users/${world.actors.free.learner!.id}`)).json.tierHistory;
		expect(history).toEqual([]);
	});

	describe('isolation', () => {
		it('learner B never sees learner A’s progress, attempts or streak', async () => {
			const a = await registerLearner(world.api, 'iso-a');
			const b = await registerLearner(world.api, 'iso-b');
			for (const chapterId of ['what-is-an-agent', 'tool-use']) {
				expect((await a.client.post('/api/v1/me/progress', { chapterId })).status).toBe(200);
			}
			expect((await a.client.post(`/api/v1/me/quizzes/tool-use/attempts`, { answers: correctAnswers(freeKey()) })).status).toBe(201);
			expect((await a.client.post('/api/v1/me/streak/checkins')).json.current).toBe(1);

			const aProgress = (await a.client.get('/api/v1/me/progress')).json;
			expect(aProgress.completedChapters).toHaveLength(2);
			expect(aProgress.bestScores).toEqual({ 'tool-use': 100 });

			const bProgress = (await b.client.get('/api/v1/me/progress')).json;
			expect(bProgress.completedChapters).toEqual([]);
			expect(bProgress.bestScores).toEqual({});
			expect(bProgress.percentComplete).toBe(0);
			expect(bProgress.lastActivityDay).toBeNull();
			expect(bProgress.nextStep.kind).toBe('start');
			const bResults = (await b.client.get('/api/v1/me/quizzes/tool-use/attempts')).json;
			expect(bResults.attempts).toEqual([]);
			expect(bResults.bestPercent).toBeNull();
			const bStreak = (await b.client.get('/api/v1/me/streak')).json;
			expect(bStreak).toMatchObject({ current: 0, lastActiveDay: null, todayDone: false });
		});

		it('a team’s member sees no team progress, and no other owner’s removal touched them', async () => {
			const member = world.otherTeamMember.client;
			const progress = await member.get('/api/v1/me/team/progress');
			expect(progress.status).toBe(403);
			expect(progress.json.error.message).toBe("Only the team's owner can see its members' progress.");
			expect((await member.get('/api/v1/me')).json.tier).toBe('team');
			const adminTeam = (await world.actors.admin.learner!.client.get('/api/v1/me/team/progress?limit=50')).json;
			expect(adminTeam.members.map((m: { id: string }) => m.id)).toEqual([world.actors.admin.learner!.id]);
		});

		it('a user id slipped into a learner request is ignored: the session decides whose data it is', async () => {
			const a = await registerLearner(world.api, 'slip-a');
			const b = await registerLearner(world.api, 'slip-b');
			const tries = [
				await a.client.post('/api/v1/me/progress', { chapterId: 'tool-use', userId: b.id }),
				await a.client.post(`/api/v1/me/progress?userId=${b.id}`, { chapterId: 'what-is-an-agent' }),
				await a.client.post(`/api/v1/me/streak/checkins?userId=${b.id}`),
			];
			for (const res of tries) expect(res.status).toBe(200);
			const stillA = (await a.client.get(`/api/v1/me/progress?userId=${b.id}&user_id=${b.id}`)).json;
			expect(stillA.completedChapters.map((c: { chapterId: string }) => c.chapterId).sort()).toEqual(['tool-use', 'what-is-an-agent']);
			const bProgress = (await b.client.get('/api/v1/me/progress')).json;
			expect(bProgress.completedChapters).toEqual([]);
			expect((await b.client.get('/api/v1/me/streak')).json.current).toBe(0);
			expect((await a.client.get(`/api/v1/me?id=${b.id}`)).json.id).toBe(a.id);
		});

		it('in the document, only admin operations take a user id, and no learner body has a user field', () => {
			const userField = /^(user_?id|user|uid|account_?id|owner_?id|learner_?id)$/i;
			const offenders: string[] = [];
			for (const [path, item] of Object.entries(world.api.doc.paths)) {
				for (const [method, op] of Object.entries(item as Record<string, any>)) {
					const adminOnly = (op.tags as string[]).includes('Admin');
					const params = ((op.parameters ?? []) as { name: string }[]).map((p) => p.name);
					const bodyProps = Object.keys(op.requestBody?.content?.['application/json']?.schema?.properties ?? {});
					const named = [...params, ...bodyProps].filter((n) => userField.test(n));
					// The billing webhook is signed by the provider, not called by learners.
					if (named.length > 0 && !adminOnly && op.operationId !== 'billingWebhook') offenders.push(`${method} ${path}: ${named}`);
					if (adminOnly) {
						expect(
							operations.find((o) => o.operationId === op.operationId)?.auth,
							`${op.operationId} is tagged Admin but not admin-only`,
						).toBe('admin');
					}
				}
			}
			expect(offenders).toEqual([]);
		});

		it('the demo accounts are not reachable with another learner’s session either', async () => {
			const a = await registerLearner(world.api, 'demo');
			const demo = world.api.client();
			const demoUser = await demo.login('premium@demo.test', DEMO_PASSWORD);
			expect((await a.client.get(`/api/v1/admin/users/${demoUser.user.id}`)).status).toBe(403);
			expect((await a.client.post(`/api/v1/admin/users/${a.id}/tier`, { tier: 'premium' })).status).toBe(403);
		});
	});

	it('checked every response above against /openapi.json (ConformingClient)', () => {
		expect(world.api.conformance.checked).toBeGreaterThan(MATRIX.length * ACTORS.length);
	});
});
