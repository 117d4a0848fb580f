/**
 * A fresh embedded database made from the shipped cluster is the database initdb makes: same server, encoding,
 * locale, catalogs and settings, the migrations apply, and it reopens with its data. Made both ways through the
 * real factory, in this process (initdb's child process included).
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/server/db/factory.ts';
import { migrateToLatest } from '../../../src/server/db/migrate.ts';
import { type PgliteNewCluster, readClusterTemplate } from '../../../src/server/db/pglite-cluster.ts';
import { makeTempDir } from './harness.ts';

const root = makeTempDir('cc-new-cluster-');
afterAll(async () => {
	const { rmSync } = await import('node:fs');
	rmSync(root, { recursive: true, force: true });
});

const SETTINGS = `select current_setting('server_version') as version, current_setting('server_encoding') as encoding,
	current_setting('lc_messages') as messages, current_setting('shared_buffers') as buffers,
	current_setting('data_checksums') as checksums, current_setting('wal_level') as wal_level,
	(select string_agg(datname || ':' || datcollate || ':' || datctype || ':' || datallowconn, ',' order by datname) from pg_database) as databases,
	(select count(*)::int from pg_class) as catalog_relations, (select count(*)::int from pg_proc) as functions`;

async function fresh(newCluster: PgliteNewCluster) {
	const dataDir = path.join(root, newCluster);
	const handle = await openDatabase({ dataDir, pgliteNewCluster: newCluster });
	try {
		const before = (await handle.raw.query(SETTINGS)).rows[0];
		const { id } = (await handle.raw.query('select system_identifier::text as id from pg_control_system()')).rows[0] as { id: string };
		await migrateToLatest(handle.db);
		await handle.raw.query(`insert into users (id, email, password_hash, display_name) values ('u1', 'a@example.com', 'x', 'A')`);
		return { dataDir, before, systemIdentifier: id };
	} finally {
		await handle.close();
	}
}

describe('a fresh embedded database', () => {
	it('from the shipped cluster matches one from initdb, takes the migrations and keeps its rows', async () => {
		const template = await fresh('template');
		const initdb = await fresh('initdb');
		expect(template.before).toEqual(initdb.before);
		// The first really is the shipped cluster (its pg_control's identifier), the second a new one.
		const shipped = readClusterTemplate();
		if ('unusable' in shipped) throw new Error(shipped.unusable);
		const control = shipped.entries.find((e) => e.name === 'global/pg_control')?.data as Uint8Array;
		const shippedId = Buffer.from(control).readBigUInt64LE(0).toString();
		expect(template.systemIdentifier).toBe(shippedId);
		expect(initdb.systemIdentifier).not.toBe(shippedId);
		expect(template.before?.buffers).toBe('16MB');
		const reopened = await openDatabase({ dataDir: template.dataDir });
		try {
			expect((await reopened.raw.query('select email from users')).rows).toEqual([{ email: 'a@example.com' }]);
		} finally {
			await reopened.close();
		}
	}, 120_000);
});
