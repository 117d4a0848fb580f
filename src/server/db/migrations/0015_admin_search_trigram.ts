/**
 * Admin learner search (`listUsers`: email or display name ILIKE '%…%') served by trigram GIN indexes
 * instead of a scan of every account. pg_trgm is a trusted extension on PostgreSQL ≥ 13 and loaded by
 * PGlite (src/server/db/pglite.ts). Installed once per database in a schema of its own (`extensions`)
 * unless it is already installed elsewhere, so that dropping one application schema never takes it along;
 * the operator class is named with its schema, so the index works whatever the search_path.
 * Frozen snapshot: nothing is imported from schema.ts.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
type AnyDb = Kysely<any>;

async function trigramSchema(db: AnyDb): Promise<string | undefined> {
	const { rows } = await sql<{ schema: string }>`
		select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'
	`.execute(db);
	return rows[0]?.schema;
}

export async function up(db: AnyDb): Promise<void> {
	// Two databases' migrations may race to install the extension (schemas of one database in the tests):
	// the transaction-scoped lock makes the second wait and find it.
	await sql`select pg_advisory_xact_lock(hashtext('course-companion:pg_trgm'))`.execute(db);
	let schema = await trigramSchema(db);
	if (!schema) {
		await sql`create schema if not exists extensions`.execute(db);
		await sql`create extension if not exists pg_trgm with schema extensions`.execute(db);
		schema = 'extensions';
	}
	const ops = sql.id(schema, 'gin_trgm_ops');
	await sql`create index users_email_trgm_idx on users using gin (email ${ops})`.execute(db);
	await sql`create index users_display_name_trgm_idx on users using gin (display_name ${ops})`.execute(db);
}

export async function down(db: AnyDb): Promise<void> {
	// The extension stays: other schemas of the database may use it.
	await db.schema.dropIndex('users_display_name_trgm_idx').ifExists().execute();
	await db.schema.dropIndex('users_email_trgm_idx').ifExists().execute();
}
