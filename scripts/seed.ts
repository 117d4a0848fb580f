/** `npm run seed`: creates the demo accounts (skipped when they exist). */
import { openDatabaseFromEnv } from '../src/server/db/open-from-env.ts';
import { migrateToLatest } from '../src/server/db/migrate.ts';
import { parseEnv } from '../src/server/env.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemoAccounts } from '../src/server/seed.ts';

const env = parseEnv();
const handle = await openDatabaseFromEnv(env);
try {
	await migrateToLatest(handle.db);
	const created = await seedDemoAccounts(handle.db);
	console.log(created.length ? `Created: ${created.join(', ')}` : 'The demo accounts already exist.');
	for (const a of DEMO_ACCOUNTS) console.log(`  ${a.email.padEnd(20)} ${a.tier.padEnd(8)} ${a.role}   password: ${DEMO_PASSWORD}`);
} finally {
	await handle.close();
}
