/**
 * `npm run db:cleanup`: deletes expired sessions, OAuth tokens and codes, expired rate-limit counters and
 * unused dynamically registered OAuth clients (src/server/db/cleanup.ts), then prints how many of each.
 * The server does the same every DB_CLEANUP_INTERVAL_MINUTES; this is for a cron job or a one-off.
 */
import { CLEANUP_LABELS, type CleanupCounts, cleanupDatabase } from '../src/server/db/cleanup.ts';
import { migrateToLatest } from '../src/server/db/migrate.ts';
import { openDatabaseFromEnv } from '../src/server/db/open-from-env.ts';
import { parseEnv } from '../src/server/env.ts';

try {
	const env = parseEnv();
	const handle = await openDatabaseFromEnv(env);
	try {
		await migrateToLatest(handle.db);
		const counts = await cleanupDatabase(handle.db, { now: new Date(), unusedClientDays: env.OAUTH_UNUSED_CLIENT_DAYS });
		console.log(`Deleted from the ${handle.dialect} database:`);
		for (const kind of Object.keys(CLEANUP_LABELS) as (keyof CleanupCounts)[]) {
			console.log(`  ${CLEANUP_LABELS[kind]}: ${counts[kind]}`);
		}
	} finally {
		await handle.close();
	}
} catch (error) {
	// Bad configuration, a locked embedded database: the message says what to do.
	console.error((error as Error).message);
	process.exitCode = 1;
}
