/**
 * RFC 8707 resource indicators and the refresh grace window. A code and its grant remember the
 * resource (audience) they were issued for, so a token is refused on any other resource; null means
 * none was asked for (ChatGPT Actions). A rotated refresh token keeps its successor pair encrypted
 * with a key only the old token derives, so a parallel refresh within the grace window gets the same
 * new pair instead of revoking the grant. Frozen snapshot: nothing is imported from schema.ts.
 */
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
	await db.schema.alterTable('oauth_codes').addColumn('resource', 'text').execute();
	await db.schema.alterTable('oauth_refresh_tokens').addColumn('resource', 'text').execute();
	await db.schema.alterTable('oauth_refresh_tokens').addColumn('successor', 'text').execute();
}

export async function down(db: AnyDb): Promise<void> {
	await db.schema.alterTable('oauth_refresh_tokens').dropColumn('successor').execute();
	await db.schema.alterTable('oauth_refresh_tokens').dropColumn('resource').execute();
	await db.schema.alterTable('oauth_codes').dropColumn('resource').execute();
}
