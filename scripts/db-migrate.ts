/** `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded database. */
import { openDatabaseFromEnv } from '../src/server/db/open-from-env.ts';
import { migrateToLatest, migrationStatus } from '../src/server/db/migrate.ts';
import { parseEnv } from '../src/server/env.ts';

const env = parseEnv();
const handle = await openDatabaseFromEnv(env);
try {
	const { applied } = await migrateToLatest(handle.db);
	const status = await migrationStatus(handle.db);
	console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Nothing to apply.');
	console.log(`${handle.dialect}: ${status.appliedNames.length} migrations applied, ${status.pending} pending.`);
} finally {
	await handle.close();
}
