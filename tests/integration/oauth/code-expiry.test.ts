/**
 * Authorization codes expire (RFC 6749 §4.1.2: at most 10 minutes) and only hashes are stored.
 * On Postgres the test reaches the database and moves the expiry into the past; PGlite is locked
 * by the server process, so there the server runs with OAUTH_CODE_TTL_SECONDS=1 and the test waits.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../../helpers/databases.ts';
import { type RunningServer, startServer } from '../../helpers/server.ts';
import { approve, authorizePath, Browser, CHATGPT_REDIRECT, serverPost, sha256Hex } from './helpers.ts';

for (const kind of DATABASE_KINDS) {
	describe(`OAuth code expiry and hashed storage (${kind})`, () => {
		let database: TestDatabase;
		let server: RunningServer;
		let base: string;
		let client: { client_id: string; client_secret: string };

		beforeAll(async () => {
			database = await createTestDatabase(kind);
			server = await startServer({ databaseUrl: database.url, env: kind === 'pglite' ? { OAUTH_CODE_TTL_SECONDS: '1' } : {} });
			base = server.url;
			const res = await fetch(`${base}/oauth/register`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({
					client_name: 'ChatGPT',
					redirect_uris: [CHATGPT_REDIRECT],
					token_endpoint_auth_method: 'client_secret_post',
				}),
			});
			client = await res.json();
		});
		afterAll(async () => {
			await server?.stop();
			await database?.drop();
		});

		async function getCode(): Promise<string> {
			const pathname = authorizePath({
				response_type: 'code',
				client_id: client.client_id,
				redirect_uri: CHATGPT_REDIRECT,
				state: 's1',
				scope: 'course',
			});
			const browser = new Browser(base);
			await browser.signIn(pathname, 'free@demo.test');
			return (await approve(browser, pathname)).searchParams.get('code') as string;
		}

		const exchange = (code: string) =>
			serverPost(base, '/oauth/token', {
				grant_type: 'authorization_code',
				client_id: client.client_id,
				client_secret: client.client_secret,
				code,
				redirect_uri: CHATGPT_REDIRECT,
			});

		if (kind === 'postgres') {
			it('stores only hashes, gives codes 10 minutes, and refuses an expired code with invalid_grant', async () => {
				const db = new pg.Client({ connectionString: database.url });
				await db.connect();
				try {
					const before = Date.now();
					const code = await getCode();
					const { rows } = await db.query('select code_hash, expires_at from oauth_codes where code_hash = $1 or code_hash = $2', [
						sha256Hex(code),
						code,
					]);
					expect(rows).toHaveLength(1);
					expect(rows[0].code_hash).toBe(sha256Hex(code));
					const ttl = (new Date(rows[0].expires_at).getTime() - before) / 1000;
					expect(ttl).toBeGreaterThan(590);
					expect(ttl).toBeLessThanOrEqual(605);

					await db.query(`update oauth_codes set expires_at = now() - interval '1 second' where code_hash = $1`, [sha256Hex(code)]);
					const res = await exchange(code);
					expect(res.status).toBe(400);
					expect(res.json.error).toBe('invalid_grant');
					expect(res.json.error_description).toMatch(/expired/);

					// Client secrets and refresh tokens are stored as hashes too.
					const clientRow = await db.query('select secret_hash from oauth_clients where id = $1', [client.client_id]);
					expect(clientRow.rows[0].secret_hash).toBe(sha256Hex(client.client_secret));
					const tokens = (await exchange(await getCode())).json;
					const refreshRows = await db.query('select token_hash from oauth_refresh_tokens where token_hash in ($1, $2)', [
						sha256Hex(tokens.refresh_token),
						tokens.refresh_token,
					]);
					expect(refreshRows.rows).toEqual([{ token_hash: sha256Hex(tokens.refresh_token) }]);
				} finally {
					await db.end();
				}
			});
		} else {
			it('refuses a code after its lifetime (OAUTH_CODE_TTL_SECONDS=1) with invalid_grant', async () => {
				const code = await getCode();
				await new Promise((resolve) => setTimeout(resolve, 2000));
				const res = await exchange(code);
				expect(res.status).toBe(400);
				expect(res.json.error).toBe('invalid_grant');
				expect(res.json.error_description).toMatch(/expired/);
			});
		}
	});
}
