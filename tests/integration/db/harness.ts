/**
 * Test targets for the database suites, Kysely-style: every suite runs once
 * per target. PGlite always (a fresh temp directory per suite); PostgreSQL too
 * when TEST_DATABASE_URL is set (a fresh schema per suite, dropped afterwards).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { DatabaseHandle } from '../../../src/server/db/factory.ts';
import { openDatabase } from '../../../src/server/db/factory.ts';
import { migrateToLatest } from '../../../src/server/db/migrate.ts';
import { copyPgliteTemplate } from '../../helpers/pglite-template.ts';

export type TargetName = 'pglite' | 'postgres';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() || undefined;

/** The targets every database suite runs against. */
export const TARGETS: readonly TargetName[] = TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDatabase {
	handle: DatabaseHandle;
	/** PGlite data directory (pglite target only). */
	dataDir?: string;
	/** Postgres schema (postgres target only). */
	schema?: string;
	cleanup(): Promise<void>;
}

export function makeTempDir(prefix = 'cc-db-'): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Opens an empty database for one suite; `migrate` applies the schema first. */
export async function openTestDatabase(target: TargetName, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
	const migrate = options.migrate ?? true;
	const result = target === 'pglite' ? await openPgliteTarget(migrate) : await openPostgresTarget();
	if (migrate) await migrateToLatest(result.handle.db);
	return result;
}

async function openPgliteTarget(migrated: boolean): Promise<TestDatabase> {
	const root = makeTempDir();
	const dataDir = path.join(root, 'pglite');
	if (migrated) copyPgliteTemplate(dataDir);
	const handle = await openDatabase({ dataDir });
	return {
		handle,
		dataDir,
		async cleanup() {
			await handle.close();
			fs.rmSync(root, { recursive: true, force: true });
		},
	};
}

async function openPostgresTarget(): Promise<TestDatabase> {
	if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
	const schema = `cc_test_${process.pid}_${randomBytes(4).toString('hex')}`;
	await adminQuery(`create schema "${schema}"`);
	// Every pooled connection starts with search_path set to the suite's own schema.
	const url = new URL(TEST_DATABASE_URL);
	url.searchParams.set('options', `-c search_path=${schema}`);
	const handle = await openDatabase({ url: url.toString() });
	return {
		handle,
		schema,
		async cleanup() {
			await handle.close();
			await adminQuery(`drop schema if exists "${schema}" cascade`);
		},
	};
}

async function adminQuery(text: string): Promise<void> {
	const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
	await client.connect();
	try {
		await client.query(text);
	} finally {
		await client.end();
	}
}

let counter = 0;

/** A unique email per call, so tests in one suite never collide. */
export function uniqueEmail(label = 'user'): string {
	counter += 1;
	return `${label}-${counter}-${randomBytes(3).toString('hex')}@example.test`;
}
