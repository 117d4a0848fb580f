/**
 * A time zone change waits for the next midnight of the zone in force (domain/time-zone-change.ts):
 * until `timezone_switch_at`, days are counted in `timezone_previous`. Frozen snapshot: nothing is
 * imported from schema.ts.
 */
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
	await db.schema.alterTable('users').addColumn('timezone_previous', 'text').addColumn('timezone_switch_at', 'timestamptz').execute();
}

export async function down(db: AnyDb): Promise<void> {
	await db.schema.alterTable('users').dropColumn('timezone_switch_at').dropColumn('timezone_previous').execute();
}
