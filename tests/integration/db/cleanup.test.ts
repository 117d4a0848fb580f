/**
 * The periodic cleanup on each database: rows are made by the app's own code paths (sign-in sessions,
 * the OAuth approve → token → refresh flow, rate-limiter-flexible's Postgres store) at chosen times, then
 * one run must delete exactly what has expired or was never used, and keep the rest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueEmailToken } from '../../../src/server/auth/email-tokens.ts';
import { createSession } from '../../../src/server/auth/sessions.ts';
import { type CleanupCounts, cleanupDatabase } from '../../../src/server/db/cleanup.ts';
import { approve } from '../../../src/server/oauth/authorize.ts';
import { type Client, createClient } from '../../../src/server/oauth/clients.ts';
import { sha256Hex } from '../../../src/server/oauth/crypto.ts';
import { exchangeCode, refresh } from '../../../src/server/oauth/tokens.ts';
import { createRateLimits } from '../../../src/server/rate-limit.ts';
import { createUser } from '../../../src/server/repositories/users.ts';
import { openTestDatabase, TARGETS, type TestDatabase, uniqueEmail } from './harness.ts';

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const REDIRECT = 'https://app.example.test/callback';

for (const target of TARGETS) {
	describe(`${target}: database cleanup`, () => {
		let t: TestDatabase;
		/** The cleanup's "now": two minutes ahead of the rate-limit rows, so 60-second windows have ended and 15-minute ones not. */
		let now: Date;
		const ago = (ms: number) => new Date(now.getTime() - ms);
		let userId: string;
		let beforeRateLimitTable: CleanupCounts;
		let counts: CleanupCounts;
		const sessions: Record<string, string> = {};
		const clients: Record<string, Client> = {};
		let rotatedToken: string;
		let currentRefreshToken: string;
		const emailLinks: Record<string, string> = {};

		const newClient = async (name: string, options: { dynamic: boolean; createdAt: Date }) => {
			const { client } = await createClient(t.handle.db, {
				name,
				redirectUris: [REDIRECT],
				isPublic: false,
				dynamicallyRegistered: options.dynamic,
			});
			await t.handle.db.updateTable('oauth_clients').set({ created_at: options.createdAt }).where('id', '=', client.id).execute();
			clients[name] = client;
			return client;
		};

		/** approve() → exchangeCode(), as the consent page and the token endpoint do. */
		const connect = async (client: Client, at: Date) => {
			const location = await approve(
				t.handle.db,
				{ client, redirectUri: REDIRECT, state: 's', scopes: ['course'], codeChallenge: null },
				userId,
				'https://issuer.test',
				at,
			);
			const code = new URL(location).searchParams.get('code') as string;
			return exchangeCode(t.handle.db, client, { code, redirect_uri: REDIRECT }, at);
		};

		const insertCode = (client: Client, label: string, expiresAt: Date, usedAt: Date | null) =>
			t.handle.db
				.insertInto('oauth_codes')
				.values({
					code_hash: sha256Hex(label),
					client_id: client.id,
					user_id: userId,
					redirect_uri: REDIRECT,
					scope: 'course',
					expires_at: expiresAt,
					used_at: usedAt,
				})
				.execute();

		beforeAll(async () => {
			t = await openTestDatabase(target);
			const { db } = t.handle;
			now = new Date(Date.now() + 2 * MINUTE);
			// With the limits in memory there is no table: the cleanup must not fail on it.
			beforeRateLimitTable = await cleanupDatabase(db, { now, unusedClientDays: 30 });

			const limits = await createRateLimits(t.handle, { perMinute: 5, authPer15Minutes: 5, addressPer15Minutes: 5, store: 'database' });
			await limits.general.consume('ip-a'); // 60 s window: over at `now`
			await limits.general.consume('ip-b');
			await limits.auth.consume('login:ip-a'); // 15 min window: still running at `now`
			await t.handle.raw.query(`insert into rate_limits (key, points, expire) values ('no-expiry', 1, null)`);

			userId = (await createUser(db, { email: uniqueEmail('cleanup'), passwordHash: 'x', displayName: 'Cleo' })).id;
			const browser = async (name: string, createdAt: Date) => {
				sessions[name] = (await createSession(db, { userId, kind: 'browser', now: createdAt })).session.id;
			};
			await browser('expired a day ago', ago(31 * DAY));
			await browser('expires exactly now', ago(30 * DAY));
			await browser('live', ago(29 * DAY));

			// approve() purges codes more than a day past expiry before issuing one, so the flows run latest first.
			const live = await newClient('connected yesterday', { dynamic: true, createdAt: ago(60 * DAY) });
			await connect(live, ago(DAY));

			const lapsed = await newClient('connected 31 days ago, nothing left', { dynamic: true, createdAt: ago(41 * DAY) });
			await connect(lapsed, ago(31 * DAY));

			const rotating = await newClient('refreshed 15 days ago', { dynamic: true, createdAt: ago(41 * DAY) });
			const first = await connect(rotating, ago(40 * DAY));
			const second = await refresh(db, rotating, { refresh_token: first.refresh_token }, ago(15 * DAY));
			rotatedToken = first.refresh_token;
			currentRefreshToken = second.refresh_token;

			const codesOnly = await newClient('codes only', { dynamic: true, createdAt: ago(31 * DAY) });
			await insertCode(codesOnly, 'expired 25 hours ago', ago(25 * HOUR), null);
			await insertCode(codesOnly, 'used, expired 23 hours ago', ago(23 * HOUR), ago(23 * HOUR + 5 * MINUTE));
			await insertCode(codesOnly, 'valid', new Date(now.getTime() + 5 * MINUTE), null);

			await newClient('never used, 31 days old', { dynamic: true, createdAt: ago(31 * DAY) });
			await newClient('never used, 29 days old', { dynamic: true, createdAt: ago(29 * DAY) });

			// Email links (issued by the app's own function at chosen times): kept a day past expiry.
			const link = async (name: string, issuedAt: Date) => {
				emailLinks[name] = (
					await issueEmailToken(db, { userId, email: 'cleo@example.test', purpose: 'password_reset', now: issuedAt })
				).token;
			};
			await link('expired 25 hours ago', ago(26 * HOUR));
			await link('expired 23 hours ago', ago(24 * HOUR));
			await link('live', ago(30 * MINUTE));
			await newClient('operator-registered, never used, 31 days old', { dynamic: false, createdAt: ago(31 * DAY) });

			counts = await cleanupDatabase(db, { now, unusedClientDays: 30 });
		});
		afterAll(async () => {
			await t?.cleanup();
		});

		it('runs without a rate-limit table (limits kept in memory)', () => {
			expect(beforeRateLimitTable).toEqual({
				sessions: 0,
				oauthRefreshTokens: 0,
				oauthCodes: 0,
				oauthClients: 0,
				rateLimits: 0,
				emailTokens: 0,
			});
		});

		it('reports how many rows of each kind it deleted', () => {
			expect(counts).toEqual({
				// Two browser sessions and the access token of the grant that lapsed.
				sessions: 3,
				// The lapsed grant's token and the rotated-out one whose expiry has passed.
				oauthRefreshTokens: 2,
				// The lapsed and rotating grants' codes, and the one that expired 25 hours ago.
				oauthCodes: 3,
				oauthClients: 1,
				rateLimits: 2,
				emailTokens: 1,
			});
		});

		it('deletes email links a day after they expired and keeps the rest', async () => {
			const rows = await t.handle.db.selectFrom('email_tokens').select('token_hash').execute();
			expect(rows.map((r) => r.token_hash).sort()).toEqual(
				[sha256Hex(emailLinks['expired 23 hours ago'] as string), sha256Hex(emailLinks.live as string)].sort(),
			);
		});

		it('keeps live sessions, including the sessions of live OAuth grants', async () => {
			const rows = await t.handle.db.selectFrom('sessions').select(['id', 'client_id', 'expires_at']).execute();
			const browserIds = rows.filter((r) => r.client_id === null).map((r) => r.id);
			expect(browserIds).toEqual([sessions.live]);
			const byClient = rows
				.filter((r) => r.client_id !== null)
				.map((r) => r.client_id)
				.sort();
			expect(byClient).toEqual([clients['connected yesterday']?.id, clients['refreshed 15 days ago']?.id].sort());
			for (const row of rows) expect(row.expires_at.getTime()).toBeGreaterThan(now.getTime());
		});

		it('deletes expired refresh tokens and keeps live ones', async () => {
			const rows = await t.handle.db.selectFrom('oauth_refresh_tokens').select(['token_hash', 'client_id']).execute();
			expect(rows.map((r) => r.client_id).sort()).toEqual(
				[clients['connected yesterday']?.id, clients['refreshed 15 days ago']?.id].sort(),
			);
			const hashes = rows.map((r) => r.token_hash);
			expect(hashes).toContain(sha256Hex(currentRefreshToken));
			expect(hashes).not.toContain(sha256Hex(rotatedToken));
		});

		it('keeps codes until a day after they expire, so a replay can still revoke its grant', async () => {
			const rows = await t.handle.db.selectFrom('oauth_codes').select(['code_hash', 'client_id']).execute();
			const kept = rows.map((r) => r.code_hash).sort();
			const yesterdays = rows.filter((r) => r.client_id === clients['connected yesterday']?.id);
			expect(yesterdays).toHaveLength(1);
			expect(kept).toEqual(
				[sha256Hex('used, expired 23 hours ago'), sha256Hex('valid'), (yesterdays[0] as { code_hash: string }).code_hash].sort(),
			);
		});

		it('deletes only the old dynamically registered client that nothing was ever issued for', async () => {
			const names = (await t.handle.db.selectFrom('oauth_clients').select('name').execute()).map((r) => r.name).sort();
			expect(names).toEqual(
				[
					'codes only',
					'connected 31 days ago, nothing left',
					'connected yesterday',
					'never used, 29 days old',
					'operator-registered, never used, 31 days old',
					'refreshed 15 days ago',
				].sort(),
			);
		});

		it('keeps a client that was used even when every code, token and session it had is gone', async () => {
			const lapsed = clients['connected 31 days ago, nothing left'] as Client;
			const { db } = t.handle;
			expect(await db.selectFrom('sessions').select('id').where('client_id', '=', lapsed.id).execute()).toEqual([]);
			expect(await db.selectFrom('oauth_refresh_tokens').select('token_hash').where('client_id', '=', lapsed.id).execute()).toEqual([]);
			expect(await db.selectFrom('oauth_codes').select('code_hash').where('client_id', '=', lapsed.id).execute()).toEqual([]);
			const row = await db.selectFrom('oauth_clients').select('first_used_at').where('id', '=', lapsed.id).executeTakeFirstOrThrow();
			expect(row.first_used_at).toBeInstanceOf(Date);
		});

		it('deletes rate-limit counters whose window has ended and keeps the rest', async () => {
			const { rows } = await t.handle.raw.query('select key from rate_limits order by key');
			expect(rows.map((r: { key: string }) => r.key)).toEqual(['no-expiry', 'rl_auth:login:ip-a']);
		});

		it('deletes an unused client once it is older than the configured age', async () => {
			const again = await cleanupDatabase(t.handle.db, { now, unusedClientDays: 28 });
			expect(again).toEqual({ sessions: 0, oauthRefreshTokens: 0, oauthCodes: 0, oauthClients: 1, rateLimits: 0, emailTokens: 0 });
			const gone = await t.handle.db
				.selectFrom('oauth_clients')
				.select('id')
				.where('id', '=', (clients['never used, 29 days old'] as Client).id)
				.execute();
			expect(gone).toEqual([]);
		});
	});
}
