/**
 * Teams through the real server, on PGlite and on PostgreSQL, with a real SMTP server: an owner on the
 * team tier creates a team, invites by email (the link arrives and works on the join page) and by link up
 * to the course's seats; the next join is refused with a plain sentence; members hold the team tier
 * (a premium chapter opens) until they are removed or leave, or the owner's plan ends; another team's
 * owner neither sees nor removes them; a member cannot see the team's progress.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../helpers/databases.ts';
import { textOf } from '../../helpers/html.ts';
import type { Client } from '../../helpers/server.ts';
import { linkIn, startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.ts';
import {
	type ApiServer,
	correctAnswers,
	FREE_CHAPTER,
	type Learner,
	PREMIUM_CHAPTER,
	quizKey,
	registerLearner,
	setTierAsAdmin,
	signInAdmin,
	startApiServer,
	uniqueEmail,
} from './fixtures.ts';

const PUBLIC_ORIGIN = 'http://localhost:4321';
/** The demo fixture course's team tier: `seats: 10` in its course.yaml. */
const SEATS = 10;

const tokenOf = (url: string) => new URL(url).searchParams.get('token') as string;
/** A learner with a display name that has spaces (registerLearner puts its tag in the email too). */
async function registerNamed(api: ApiServer, name: string, options: { checked?: boolean } = {}): Promise<Learner> {
	const learner = await registerLearner(api, name.toLowerCase().replaceAll(' ', '-'), options);
	const res = await learner.client.request('PATCH', '/api/v1/me', { displayName: name });
	if (res.status !== 200) throw new Error(`rename: ${res.status} ${res.text}`);
	return learner;
}
const premiumStatus = async (learner: Learner) => (await learner.client.get(`/api/v1/chapters/${PREMIUM_CHAPTER}/content`)).status;

for (const kind of DATABASE_KINDS) {
	describe(`${kind}: teams`, () => {
		let smtp: TestSmtpServer;
		let api: ApiServer;
		let admin: Learner;
		let owner: Learner;
		let ownerPages: Client;
		let otherOwner: Learner;
		const members: Learner[] = [];
		/** An invitation made while seats were free, kept for after the team is full. */
		let spareInvite = '';

		beforeAll(async () => {
			smtp = await startSmtpServer();
			api = await startApiServer(kind, { SMTP_URL: smtp.url, MAIL_FROM: '"Course" <no-reply@course.test>', PUBLIC_ORIGIN });
			admin = await signInAdmin(api);
			owner = await registerNamed(api, 'Olga Owner');
			otherOwner = await registerNamed(api, 'Otto Other');
			await setTierAsAdmin(admin.client, owner.id, 'team');
			await setTierAsAdmin(admin.client, otherOwner.id, 'team');
			ownerPages = api.client(false);
			ownerPages.cookie = owner.client.cookie;
		});
		afterAll(async () => {
			await api?.stop();
			await smtp?.stop();
		});

		it('refuses a team to an account without the team tier, in a sentence that names the plan', async () => {
			const free = await registerLearner(api, 'free');
			const res = await free.client.post('/api/v1/me/team', { name: 'Nope' });
			expect(res.status).toBe(403);
			expect(res.json.error).toMatchObject({
				code: 'upgrade_required',
				message: 'Creating a team needs the Team plan on your own account.',
			});
		});

		it('creates the owner’s team with the course’s seats, the owner’s seat used; a second team is refused', async () => {
			const res = await owner.client.post('/api/v1/me/team', { name: 'Night owls' });
			expect(res.status).toBe(201);
			expect(res.json.team).toMatchObject({
				name: 'Night owls',
				yourRole: 'owner',
				seats: SEATS,
				seatsUsed: 1,
				seatsLeft: SEATS - 1,
				active: true,
			});
			expect(res.json.message).toBe('Your team Night owls is ready: 9 seats left for the members you invite.');
			const again = await owner.client.post('/api/v1/me/team', { name: 'Twice' });
			expect(again.status).toBe(409);
			expect(again.json.error.message).toBe('You already have a team: Night owls.');
			expect((await otherOwner.client.post('/api/v1/me/team', { name: 'Early birds' })).status).toBe(201);
		});

		it('invites by email from the team page: the link arrives, and the invitee registers and joins on the join page', async () => {
			const email = uniqueEmail('invitee');
			const page = await ownerPages.postForm('/team', { action: 'invite', email });
			expect(page.status).toBe(200);
			expect(textOf(page.text)).toContain(`An invitation to Night owls is on its way to ${email}; it works once, for seven days.`);
			const mail = await smtp.waitFor((m) => m.to.includes(email));
			expect(mail.parsed.subject).toMatch(/^Olga Owner invites you to the team Night owls on /);
			const link = linkIn(mail, '/join');

			// Anonymous: the join page names the team and asks to sign in first.
			const visitor = api.client(false);
			const before = await visitor.get(`${link.pathname}${link.search}`);
			expect(before.status).toBe(200);
			expect(textOf(before.text)).toContain('Olga Owner invites you to the team Night owls.');
			expect(before.text).toContain(`/register?next=${encodeURIComponent(`/join?token=${link.searchParams.get('token')}`)}`);

			const invitee = await registerNamed(api, 'Ines Invitee', { checked: false });
			expect(await premiumStatus(invitee)).toBe(403);
			const joined = await invitee.client.postForm('/join', { token: link.searchParams.get('token') as string });
			expect(joined.status).toBe(200);
			expect(textOf(joined.text)).toContain('Welcome to Night owls: you have its plan while you are a member.');
			expect((await invitee.client.get('/api/v1/me')).json.tier).toBe('team');
			expect(await premiumStatus(invitee)).toBe(200);
			members.push(invitee);

			// The link worked once.
			const reuse = await (await registerLearner(api, 'late')).client.post('/api/v1/me/team/join', {
				token: link.searchParams.get('token'),
			});
			expect(reuse.status).toBe(400);
			expect(reuse.json.error.message).toBe(
				'This invitation has already been used: each one works once. Ask the team’s owner for a new one.',
			);
		});

		it('fills every seat through copied links; the next join is refused with a plain sentence, and so is a new invitation', async () => {
			const links: string[] = [];
			for (let i = 0; i < SEATS - 2 + 1; i++) {
				const res = await owner.client.post('/api/v1/me/team/invites', {});
				expect(res.status).toBe(201);
				expect(res.json.emailedTo).toBeNull();
				links.push(res.json.url);
			}
			spareInvite = links.pop() as string;
			for (const [i, url] of links.entries()) {
				const learner = await registerLearner(api, `member-${i}`);
				const res = await learner.client.post('/api/v1/me/team/join', { token: tokenOf(url) });
				expect(res.status, res.text).toBe(200);
				members.push(learner);
			}
			expect(members).toHaveLength(SEATS - 1);
			const eleventh = await registerLearner(api, 'eleventh');
			const refused = await eleventh.client.post('/api/v1/me/team/join', { token: tokenOf(spareInvite) });
			expect(refused.status).toBe(409);
			expect(refused.json.error).toMatchObject({
				code: 'team_full',
				message: "Night owls is full: all its 10 seats are taken. Ask the team's owner to free a seat.",
			});
			expect(await premiumStatus(eleventh)).toBe(403);
			const pageJoin = api.client(false);
			pageJoin.cookie = eleventh.client.cookie;
			expect((await pageJoin.get(`/join?token=${tokenOf(spareInvite)}`)).status).toBe(200);
			const refusedPage = await pageJoin.postForm('/join', { token: tokenOf(spareInvite) });
			expect(refusedPage.status).toBe(409);
			expect(textOf(refusedPage.text)).toContain("Night owls is full: all its 10 seats are taken. Ask the team's owner to free a seat.");

			const invite = await owner.client.post('/api/v1/me/team/invites', {});
			expect(invite.status).toBe(409);
			expect(invite.json.error.message).toBe('All 10 seats of Night owls are taken: remove a member to invite someone else.');
			const ownerPage = textOf((await ownerPages.get('/team')).text);
			expect(ownerPage).toContain('10 of 10 seats used, yours included; 0 free.');
			expect(ownerPage).toContain('Every seat is taken. Remove a member to invite someone else.');
		});

		it('shows the owner only their team: members with progress, streak and best scores, sorted, filtered and paged', async () => {
			const star = members[1] as Learner;
			await star.client.post('/api/v1/me/progress', { chapterId: FREE_CHAPTER });
			await star.client.post('/api/v1/me/progress', { chapterId: PREMIUM_CHAPTER });
			await star.client.post(`/api/v1/me/quizzes/${PREMIUM_CHAPTER}/attempts`, { answers: correctAnswers(quizKey(PREMIUM_CHAPTER)) });
			const all = (await owner.client.get('/api/v1/me/team/progress?sort=progress&limit=3')).json;
			expect(all.total).toBe(SEATS);
			expect(all.members).toHaveLength(3);
			expect(all.nextOffset).toBe(3);
			expect(all.members[0]).toMatchObject({ id: star.id, chaptersCompleted: 2, tier: 'free', tierInForce: 'team', currentStreak: 1 });
			expect(all.members[0].bestScores).toEqual({ [PREMIUM_CHAPTER]: 100 });
			const active = (await owner.client.get('/api/v1/me/team/progress?activity=active&limit=50')).json;
			expect(active.members.map((m: { id: string }) => m.id)).toEqual([star.id]);
			const everyone = (await owner.client.get('/api/v1/me/team/progress?limit=50')).json;
			const ids = new Set(everyone.members.map((m: { id: string }) => m.id));
			expect(ids).toEqual(new Set([owner.id, ...members.map((m) => m.id)]));
			expect(ids.has(otherOwner.id)).toBe(false);

			// Signing in again answers with the tier in force, as the session will see it.
			const signIn = await api.client().post('/api/v1/auth/login', { email: star.email, password: star.password });
			expect(signIn.json.user.tier).toBe('team');
			const other = (await otherOwner.client.get('/api/v1/me/team/progress')).json;
			expect(other.total).toBe(1);
			expect(other.members.map((m: { id: string }) => m.id)).toEqual([otherOwner.id]);
		});

		it('another team’s owner cannot remove a member; a member cannot see progress or remove anyone', async () => {
			const target = members[0] as Learner;
			const byOther = await otherOwner.client.request('DELETE', `/api/v1/me/team/members/${target.id}`);
			expect(byOther.status).toBe(404);
			expect(byOther.json.error.message).toBe('That person is not a member of your team.');
			const member = members[2] as Learner;
			const progress = await member.client.get('/api/v1/me/team/progress');
			expect(progress.status).toBe(403);
			expect(progress.json.error.message).toBe("Only the team's owner can see its members' progress.");
			expect((await member.client.request('DELETE', `/api/v1/me/team/members/${target.id}`)).status).toBe(404);
			expect((await member.client.request('DELETE', `/api/v1/me/team/members/${owner.id}`)).status).toBe(404);
			expect(await premiumStatus(target)).toBe(200);
		});

		it('removing a member from the team page ends their team access and frees the seat for the waiting invitation', async () => {
			const target = members[0] as Learner;
			const page = await ownerPages.postForm('/team', { action: 'remove', memberId: target.id });
			expect(page.status).toBe(200);
			expect(textOf(page.text)).toContain('Ines Invitee is no longer in Night owls: their team access has ended and their seat is free.');
			expect(await premiumStatus(target)).toBe(403);
			expect((await target.client.get('/api/v1/me')).json.tier).toBe('free');
			// The refused invitation was not used up: the freed seat takes it.
			const eleventh = await registerLearner(api, 'eleventh-again');
			expect((await eleventh.client.post('/api/v1/me/team/join', { token: tokenOf(spareInvite) })).status).toBe(200);
			members[0] = eleventh;
			const self = await owner.client.request('DELETE', `/api/v1/me/team/members/${owner.id}`);
			expect(self.status).toBe(409);
		});

		it('when the owner’s plan ends, members fall back to their own tier; renewing brings the access back', async () => {
			const member = members[3] as Learner;
			await setTierAsAdmin(admin.client, owner.id, 'pro');
			expect(await premiumStatus(member)).toBe(403);
			expect((await member.client.get('/api/v1/me/team/progress')).status).toBe(403);
			const invite = await owner.client.post('/api/v1/me/team/invites', {});
			expect(invite.status).toBe(409);
			await setTierAsAdmin(admin.client, owner.id, 'team');
			expect(await premiumStatus(member)).toBe(200);
		});

		it('a member leaves: their access ends, they keep their own progress, and the account page no longer shows the team', async () => {
			const member = members[1] as Learner;
			const accountPage = api.client(false);
			accountPage.cookie = member.client.cookie;
			const account = textOf((await accountPage.get('/account')).text);
			expect(account).toContain('You are a member of the team Night owls');
			expect(account).toContain('owned by Olga Owner. You have its plan while you are a member.');
			const left = await member.client.request('DELETE', `/api/v1/me/team/members/${member.id}`);
			expect(left.status).toBe(200);
			expect(left.json).toEqual({ team: null, message: 'You have left Night owls; you keep your own plan.' });
			expect(await premiumStatus(member)).toBe(403);
			expect((await member.client.get('/api/v1/me/progress')).json.bestScores).toEqual({ [PREMIUM_CHAPTER]: 100 });
			expect(textOf((await accountPage.get('/account')).text)).not.toContain('Night owls');
		});
	});
}
