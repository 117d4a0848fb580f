import { sha256 } from '@oslojs/crypto/sha2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	createSession,
	deleteExpiredSessions,
	invalidateSession,
	invalidateUserSessions,
	listUserSessions,
	SESSION_COOKIE,
	SESSION_LIFETIME_MS,
	sessionCookieAttributes,
	validateSessionToken,
} from '../../../src/server/auth/sessions.ts';
import type { User } from '../../../src/server/db/schema.ts';
import { createUser } from '../../../src/server/repositories/users.ts';
import { openTestDatabase, TARGETS, type TestDatabase, uniqueEmail } from './harness.ts';

const DAY = 24 * 60 * 60 * 1000;
const T0 = new Date('2026-02-01T10:00:00.000Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY);

for (const target of TARGETS) {
	describe(`${target}: sessions`, () => {
		let t: TestDatabase;
		beforeAll(async () => {
			t = await openTestDatabase(target);
		});
		afterAll(async () => {
			await t?.cleanup();
		});

		const newUser = (): Promise<User> =>
			createUser(t.handle.db, { email: uniqueEmail('s'), passwordHash: 'not-a-real-hash', displayName: 'Sam' });

		it('creates a token of id.secret and stores only SHA-256 of the secret', async () => {
			const user = await newUser();
			const { token, session } = await createSession(t.handle.db, {
				userId: user.id,
				kind: 'browser',
				label: 'Firefox on Linux',
				now: T0,
			});
			expect(token).toMatch(/^[a-z2-7]{24}\.[a-z2-7]{32}$/);
			const [id, secret] = token.split('.') as [string, string];
			expect(session).toEqual({
				id,
				user_id: user.id,
				kind: 'browser',
				client_id: null,
				label: 'Firefox on Linux',
				created_at: T0,
				expires_at: at(30),
				last_used_at: T0,
			});
			expect(session).not.toHaveProperty('secret_hash');
			const row = await t.handle.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
			expect(Array.from(row.secret_hash)).toEqual(Array.from(sha256(new TextEncoder().encode(secret))));
			expect(JSON.stringify(row)).not.toContain(secret);
		});

		it('validates a token and returns the user without the password hash', async () => {
			const user = await newUser();
			const { token, session } = await createSession(t.handle.db, {
				userId: user.id,
				kind: 'oauth',
				clientId: 'chatgpt',
				now: T0,
			});
			const result = await validateSessionToken(t.handle.db, token, at(0.01));
			expect(result?.session.id).toBe(session.id);
			expect(result?.session.client_id).toBe('chatgpt');
			expect(result?.user).toEqual({
				id: user.id,
				email: user.email,
				display_name: 'Sam',
				timezone: 'UTC',
				timezone_previous: null,
				timezone_switch_at: null,
				role: 'student',
				tier: 'free',
				// The owner of the learner's team, if any: their tier is the team's (src/server/auth/current-user.ts).
				team_owner_role: null,
				team_owner_tier: null,
				created_at: user.created_at,
				updated_at: user.updated_at,
			});
			expect(result?.user).not.toHaveProperty('password_hash');
		});

		it('refuses a tampered secret without deleting the session', async () => {
			const user = await newUser();
			const { token, session } = await createSession(t.handle.db, { userId: user.id, kind: 'browser', now: T0 });
			const last = token.at(-1) === 'a' ? 'b' : 'a';
			expect(await validateSessionToken(t.handle.db, token.slice(0, -1) + last, at(1))).toBeNull();
			// Someone who only knows the id must not be able to sign the user out.
			expect(await listUserSessions(t.handle.db, user.id)).toHaveLength(1);
			expect((await validateSessionToken(t.handle.db, token, at(1)))?.session.id).toBe(session.id);
		});

		it('returns null for malformed and unknown tokens', async () => {
			const user = await newUser();
			const { token } = await createSession(t.handle.db, { userId: user.id, kind: 'api', now: T0 });
			const [id, secret] = token.split('.') as [string, string];
			for (const bad of [
				'',
				'nodot',
				'.',
				`${id}.`,
				`.${secret}`,
				`${token}x`,
				token.toUpperCase(),
				`${id}.${secret}.${secret}`,
				`${'a'.repeat(24)}.${secret}`,
				` ${token}`,
			]) {
				expect(await validateSessionToken(t.handle.db, bad, at(1)), bad).toBeNull();
			}
		});

		it('refuses an expired session and deletes it', async () => {
			const user = await newUser();
			const { token, session } = await createSession(t.handle.db, { userId: user.id, kind: 'browser', now: T0 });
			expect(await validateSessionToken(t.handle.db, token, at(30))).toBeNull();
			const left = await t.handle.db.selectFrom('sessions').select('id').where('id', '=', session.id).execute();
			expect(left).toEqual([]);
		});

		it('slides the expiry only when used in the second half of its life', async () => {
			const user = await newUser();
			const { token, session } = await createSession(t.handle.db, { userId: user.id, kind: 'browser', now: T0 });
			const stored = () =>
				t.handle.db.selectFrom('sessions').select(['expires_at', 'last_used_at']).where('id', '=', session.id).executeTakeFirstOrThrow();

			// First half: expiry unchanged, last use recorded.
			const early = await validateSessionToken(t.handle.db, token, at(10));
			expect(early?.session.expires_at).toEqual(at(30));
			expect(await stored()).toEqual({ expires_at: at(30), last_used_at: at(10) });

			// Second half: extended to now + 30 days.
			const late = await validateSessionToken(t.handle.db, token, at(20));
			expect(late?.session.expires_at).toEqual(at(50));
			expect(late?.session.last_used_at).toEqual(at(20));
			expect(await stored()).toEqual({ expires_at: at(50), last_used_at: at(20) });

			// Still valid past the original expiry because it was extended.
			expect(await validateSessionToken(t.handle.db, token, at(40))).not.toBeNull();
			expect(await validateSessionToken(t.handle.db, token, at(40 + 30 + 1))).toBeNull();
			expect(SESSION_LIFETIME_MS).toBe(30 * DAY);
		});

		it('invalidates one session, all but the current one, and all', async () => {
			const user = await newUser();
			const other = await newUser();
			const a = await createSession(t.handle.db, { userId: user.id, kind: 'browser', now: at(0) });
			const b = await createSession(t.handle.db, { userId: user.id, kind: 'api', label: 'CLI', now: at(1) });
			const c = await createSession(t.handle.db, { userId: user.id, kind: 'oauth', now: at(2) });
			const d = await createSession(t.handle.db, { userId: user.id, kind: 'browser', now: at(3) });
			const keep = await createSession(t.handle.db, { userId: other.id, kind: 'browser', now: at(0) });

			expect((await listUserSessions(t.handle.db, user.id)).map((s) => s.id)).toEqual([
				d.session.id,
				c.session.id,
				b.session.id,
				a.session.id,
			]);

			await invalidateSession(t.handle.db, a.session.id);
			expect(await validateSessionToken(t.handle.db, a.token, at(4))).toBeNull();

			expect(await invalidateUserSessions(t.handle.db, user.id, { exceptSessionId: b.session.id })).toBe(2);
			expect((await listUserSessions(t.handle.db, user.id)).map((s) => s.id)).toEqual([b.session.id]);
			expect(await validateSessionToken(t.handle.db, c.token, at(4))).toBeNull();

			expect(await invalidateUserSessions(t.handle.db, user.id)).toBe(1);
			expect(await listUserSessions(t.handle.db, user.id)).toEqual([]);
			expect(await validateSessionToken(t.handle.db, keep.token, at(4))).not.toBeNull();
		});

		it('deletes sessions with their user, and purges expired ones', async () => {
			const user = await newUser();
			const { token } = await createSession(t.handle.db, { userId: user.id, kind: 'browser', now: T0 });
			await t.handle.db.deleteFrom('users').where('id', '=', user.id).execute();
			expect(await validateSessionToken(t.handle.db, token, at(1))).toBeNull();

			const u2 = await newUser();
			await createSession(t.handle.db, { userId: u2.id, kind: 'browser', now: at(-100) });
			const fresh = await createSession(t.handle.db, { userId: u2.id, kind: 'browser', now: at(0) });
			expect(await deleteExpiredSessions(t.handle.db, at(1))).toBeGreaterThanOrEqual(1);
			expect((await listUserSessions(t.handle.db, u2.id)).map((s) => s.id)).toEqual([fresh.session.id]);
		});
	});
}

describe('session cookie', () => {
	it('is HttpOnly, SameSite=Lax, Path=/ and Secure when asked', () => {
		const expires = new Date('2026-03-03T00:00:00Z');
		expect(SESSION_COOKIE).toBe('cc_session');
		expect(sessionCookieAttributes({ secure: true, expires })).toEqual({
			httpOnly: true,
			sameSite: 'lax',
			path: '/',
			secure: true,
			expires,
		});
		expect(sessionCookieAttributes({ secure: false, expires }).secure).toBe(false);
	});
});
