/**
 * Named (prepared) statements on the pg driver (PG_PREPARED_STATEMENTS, on by default): a statement is
 * parsed once per connection, and a table changed under it by another instance's migration costs at most
 * one failed query before the statement is prepared afresh.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/server/db/factory.ts';
import { openDatabase } from '../../../src/server/db/factory.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/databases.ts';

const hasPostgres = Boolean(process.env.TEST_DATABASE_URL);
if (!hasPostgres) console.warn('\n*** named-statement test skipped: set TEST_DATABASE_URL (CI does) ***\n');

describe.skipIf(!hasPostgres)('named statements on PostgreSQL', () => {
	let database: TestDatabase;
	let handle: DatabaseHandle;
	beforeAll(async () => {
		database = await createTestDatabase('postgres');
		handle = await openDatabase({ url: database.url, preparedStatements: true });
		await sql`create table lessons (id int primary key, title text not null)`.execute(handle.db);
		await sql`insert into lessons values (1, 'One'), (2, 'Two')`.execute(handle.db);
	});
	afterAll(async () => {
		await handle?.close();
		await database?.drop();
	});

	// biome-ignore lint/suspicious/noExplicitAny: an ad-hoc table outside the app's schema
	const lessons = () => (handle.db as any).selectFrom('lessons').selectAll().orderBy('id').execute() as Promise<Record<string, unknown>[]>;

	it('prepares each statement once per connection', async () => {
		for (let i = 0; i < 5; i++) expect(await lessons()).toHaveLength(2);
		const { rows } = await handle.raw.query(
			'select count(*)::int as n from pg_prepared_statements where statement like \'%from "lessons"%\'',
		);
		expect((rows[0] as { n: number }).n).toBeGreaterThanOrEqual(1);
	});

	it('heals after a migration elsewhere changes the table: at most one query fails, then every one sees the new column', async () => {
		const other = new pg.Client({ connectionString: database.url });
		await other.connect();
		await other.query('alter table lessons add column minutes int not null default 5');
		await other.end();
		const failures: string[] = [];
		let last: Record<string, unknown>[] = [];
		for (let i = 0; i < 8; i++) {
			try {
				last = await lessons();
			} catch (error) {
				failures.push(`${(error as { code?: string }).code}: ${(error as Error).message}`);
			}
		}
		expect(failures.length, failures.join('\n')).toBeLessThanOrEqual(1);
		for (const failure of failures) expect(failure).toMatch(/^0A000: cached plan must not change result type/);
		expect(last[0]).toEqual({ id: 1, title: 'One', minutes: 5 });
	});
});
