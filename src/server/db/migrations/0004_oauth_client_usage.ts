/**
 * What the periodic cleanup needs to know about a client and cannot read from other rows: whether it
 * registered itself (RFC 7591), and whether anything was ever issued for it. Codes, tokens and sessions
 * are purged once expired, so their absence today does not prove a client was never used; the first
 * issue is recorded on the client by triggers, whichever code path inserts the row.
 * Frozen snapshot: nothing is imported from schema.ts.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
type AnyDb = Kysely<any>;

/** Rows that name a client: each insert marks the client used. */
const ISSUED = ['oauth_codes', 'oauth_refresh_tokens', 'sessions'];

export async function up(db: AnyDb): Promise<void> {
	// Clients that exist already count as operator-registered: their origin was not recorded, and keeping one is safe.
	await db.schema
		.alterTable('oauth_clients')
		.addColumn('dynamically_registered', 'boolean', (c) => c.notNull().defaultTo(false))
		.execute();
	await db.schema.alterTable('oauth_clients').addColumn('first_used_at', 'timestamptz').execute();
	// The earliest trace still on record (a code's expiry stands in for its issue time, minutes earlier).
	await sql`
		update oauth_clients c set first_used_at = least(
			(select min(s.created_at) from sessions s where s.client_id = c.id),
			(select min(r.created_at) from oauth_refresh_tokens r where r.client_id = c.id),
			(select min(o.expires_at) from oauth_codes o where o.client_id = c.id)
		)
	`.execute(db);
	// Only unused clients are ever looked for: once used, a client leaves this index.
	await db.schema
		.createIndex('oauth_clients_unused_idx')
		.on('oauth_clients')
		.column('created_at')
		.where(sql<boolean>`dynamically_registered and first_used_at is null`)
		.execute();
	// Writes only the first time: later issues find first_used_at set and update nothing.
	await sql`
		create function oauth_clients_mark_used() returns trigger language plpgsql as $$
		begin
			update oauth_clients set first_used_at = now() where id = new.client_id and first_used_at is null;
			return null;
		end
		$$
	`.execute(db);
	for (const table of ISSUED) {
		await sql`
			create trigger ${sql.id(`${table}_mark_client_used`)} after insert on ${sql.table(table)}
			for each row when (new.client_id is not null) execute function oauth_clients_mark_used()
		`.execute(db);
	}
}

export async function down(db: AnyDb): Promise<void> {
	for (const table of ISSUED) {
		await sql`drop trigger if exists ${sql.id(`${table}_mark_client_used`)} on ${sql.table(table)}`.execute(db);
	}
	await sql`drop function if exists oauth_clients_mark_used()`.execute(db);
	await db.schema.dropIndex('oauth_clients_unused_idx').ifExists().execute();
	await db.schema.alterTable('oauth_clients').dropColumn('first_used_at').execute();
	await db.schema.alterTable('oauth_clients').dropColumn('dynamically_registered').execute();
}
