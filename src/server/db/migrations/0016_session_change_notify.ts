/**
 * Every change to a table the session lookup reads notifies `cc_session_changes`, so that servers keeping
 * session rows in memory (src/server/auth/session-cache.ts, decision 0035) forget them, whoever made the
 * change: another instance, the `users` CLI, a hand-written UPDATE. Statement-level triggers: one cheap
 * call per statement, and PostgreSQL sends one notification per transaction for identical payloads.
 * INSERT into sessions or users is left out: a new row was never cached.
 * Frozen snapshot: nothing is imported from schema.ts.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
type AnyDb = Kysely<any>;

const TRIGGERS: [table: string, events: string][] = [
	['sessions', 'update or delete or truncate'],
	['users', 'update or delete or truncate'],
	['team_members', 'insert or update or delete or truncate'],
	['teams', 'insert or update or delete or truncate'],
	['oauth_refresh_tokens', 'insert or update or delete or truncate'],
];

export async function up(db: AnyDb): Promise<void> {
	await sql`
		create function cc_notify_session_change() returns trigger language plpgsql as $$
		begin
			perform pg_notify('cc_session_changes', '');
			return null;
		end
		$$
	`.execute(db);
	for (const [table, events] of TRIGGERS) {
		await sql`
			create trigger ${sql.id(`${table}_notify_session_change`)} after ${sql.raw(events)} on ${sql.table(table)}
			for each statement execute function cc_notify_session_change()
		`.execute(db);
	}
}

export async function down(db: AnyDb): Promise<void> {
	for (const [table] of TRIGGERS) {
		await sql`drop trigger if exists ${sql.id(`${table}_notify_session_change`)} on ${sql.table(table)}`.execute(db);
	}
	await sql`drop function if exists cc_notify_session_change()`.execute(db);
}
