/**
 * The databases a suite runs against, in the Kysely style: always embedded PGlite, and the real
 * PostgreSQL as well when TEST_DATABASE_URL is set (CI sets it). Each Postgres run gets a fresh
 * database of its own so suites in parallel never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
	name: 'pglite' | 'postgres';
	/** DATABASE_URL for the server, or undefined for embedded PGlite. */
	url: string | undefined;
	drop(): Promise<void>;
}

export const DATABASE_KINDS: ('pglite' | 'postgres')[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export async function createTestDatabase(kind: 'pglite' | 'postgres'): Promise<TestDatabase> {
	if (kind === 'pglite') return { name: 'pglite', url: undefined, drop: async () => {} };
	const base = process.env.TEST_DATABASE_URL as string;
	const dbName = `cc_test_${randomBytes(6).toString('hex')}`;
	const admin = new pg.Client({ connectionString: base });
	await admin.connect();
	await admin.query(`CREATE DATABASE ${dbName}`);
	await admin.end();
	const url = new URL(base);
	url.pathname = `/${dbName}`;
	return {
		name: 'postgres',
		url: url.toString(),
		async drop() {
			const client = new pg.Client({ connectionString: base });
			await client.connect();
			await client.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
			await client.end();
		},
	};
}
