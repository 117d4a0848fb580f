/**
 * OAuth refresh tokens. An access token is an API session (`sessions`, kind 'oauth'); its refresh
 * tokens hang off that session, so revoking the session in the learner's account kills them too.
 * Rotation keeps used tokens (used_at set) so a replayed one can be recognised and its whole grant
 * revoked (RFC 6819 §5.2.2.3, OAuth 2.1 §4.3.1). Frozen snapshot: nothing is imported from schema.ts.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
	await db.schema
		.createTable('oauth_refresh_tokens')
		// SHA-256 (hex) of the token; the token itself is never stored.
		.addColumn('token_hash', 'text', (c) => c.primaryKey())
		// One grant = one approval: the hash of the authorization code that started it.
		.addColumn('grant_id', 'text', (c) => c.notNull())
		.addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id').onDelete('cascade'))
		.addColumn('client_id', 'text', (c) => c.notNull().references('oauth_clients.id').onDelete('cascade'))
		.addColumn('scope', 'text', (c) => c.notNull())
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('expires_at', 'timestamptz', (c) => c.notNull())
		.addColumn('used_at', 'timestamptz')
		.execute();
	await db.schema.createIndex('oauth_refresh_tokens_grant_id_idx').on('oauth_refresh_tokens').column('grant_id').execute();
	await db.schema.createIndex('oauth_refresh_tokens_session_id_idx').on('oauth_refresh_tokens').column('session_id').execute();
}

export async function down(db: AnyDb): Promise<void> {
	await db.schema.dropTable('oauth_refresh_tokens').ifExists().execute();
}
