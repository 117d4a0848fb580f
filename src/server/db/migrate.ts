/**
 * Runs the schema migrations. The provider is a static object that imports
 * each migration module: the server is bundled by Vite, so there is no
 * migrations folder to read at run time (no FileMigrationProvider).
 */
import { type Kysely, sql } from 'kysely';
import { type Migration, type MigrationProvider, type MigrationResult, Migrator } from 'kysely/migration';
import * as m0001 from './migrations/0001_initial.ts';
import * as m0002 from './migrations/0002_oauth_refresh.ts';
import * as m0003 from './migrations/0003_attempts_by_day.ts';
import * as m0004 from './migrations/0004_oauth_client_usage.ts';
import * as m0005 from './migrations/0005_billing_events.ts';
import * as m0006 from './migrations/0006_oauth_resource_and_grace.ts';
import * as m0007 from './migrations/0007_email_tokens.ts';
import * as m0008 from './migrations/0008_billing_customers.ts';
import * as m0009 from './migrations/0009_time_zone_change.ts';
import * as m0010 from './migrations/0010_admin_actions.ts';
import * as m0011 from './migrations/0011_teams.ts';
import * as m0012 from './migrations/0012_quiz_draws.ts';
import * as m0013 from './migrations/0013_review_cards.ts';
import * as m0014 from './migrations/0014_certificates.ts';
import * as m0015 from './migrations/0015_admin_search_trigram.ts';
import * as m0016 from './migrations/0016_session_change_notify.ts';
import * as m0017 from './migrations/0017_quiz_results.ts';

/** Every migration, by name; names sort in the order they must run. Add new ones here. */
const MIGRATIONS: Record<string, Migration> = {
	'0001_initial': m0001,
	'0002_oauth_refresh': m0002,
	'0003_attempts_by_day': m0003,
	'0004_oauth_client_usage': m0004,
	'0005_billing_events': m0005,
	'0006_oauth_resource_and_grace': m0006,
	'0007_email_tokens': m0007,
	'0008_billing_customers': m0008,
	'0009_time_zone_change': m0009,
	'0010_admin_actions': m0010,
	'0011_teams': m0011,
	'0012_quiz_draws': m0012,
	'0013_review_cards': m0013,
	'0014_certificates': m0014,
	'0015_admin_search_trigram': m0015,
	'0016_session_change_notify': m0016,
	'0017_quiz_results': m0017,
};

export const migrationProvider: MigrationProvider = {
	async getMigrations() {
		return MIGRATIONS;
	},
};

export interface MigrationStatus {
	/** How many migrations have not run yet. */
	pending: number;
	pendingNames: string[];
	appliedNames: string[];
}

export class MigrationError extends Error {
	readonly results: readonly MigrationResult[];
	constructor(message: string, results: readonly MigrationResult[], cause: unknown) {
		super(message, { cause });
		this.name = 'MigrationError';
		this.results = results;
	}
}

/**
 * Pins the bookkeeping tables to the connection's current schema. Without it,
 * Kysely looks for `kysely_migration` in every schema, and one left in another
 * schema of the same database makes it skip creating its own.
 */
async function createMigrator<DB>(db: Kysely<DB>): Promise<Migrator> {
	const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
	const schema = rows[0]?.schema ?? undefined;
	return new Migrator({ db, provider: migrationProvider, migrationTableSchema: schema });
}

/** Applies every pending migration; throws `MigrationError` naming the one that failed. */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<{ applied: string[] }> {
	const migrator = await createMigrator(db);
	const { error, results = [] } = await migrator.migrateToLatest();
	if (error) {
		const failed = results.find((r) => r.status === 'Error')?.migrationName;
		const reason = error instanceof Error ? error.message : String(error);
		throw new MigrationError(failed ? `Migration ${failed} failed: ${reason}` : `Migrating the database failed: ${reason}`, results, error);
	}
	return { applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

/** Which migrations have run and how many are still pending. */
export async function migrationStatus<DB>(db: Kysely<DB>): Promise<MigrationStatus> {
	const migrator = await createMigrator(db);
	const infos = await migrator.getMigrations();
	const pendingNames = infos.filter((m) => m.executedAt === undefined).map((m) => m.name);
	const appliedNames = infos.filter((m) => m.executedAt !== undefined).map((m) => m.name);
	return { pending: pendingNames.length, pendingNames, appliedNames };
}
