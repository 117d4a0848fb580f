/**
 * `npm run db:backup -- <file>`: a consistent backup of the embedded database (DATA_DIR) as a gzipped
 * tar, also while the server runs (the server writes it, asked by signal: src/server/db/pglite-backup.ts).
 * With DATABASE_URL set, use pg_dump instead (README "Reliability").
 */
import { backupPglite } from '../src/server/db/pglite-backup.ts';
import { parseEnv } from '../src/server/env.ts';

try {
	const target = process.argv[2];
	if (!target) throw new Error('Usage: npm run db:backup -- <file.tgz>');
	const env = parseEnv();
	if (env.DATABASE_URL) throw new Error('DATABASE_URL is set: back up PostgreSQL/Neon with pg_dump (README, "Reliability").');
	const { bytes, via } = await backupPglite(env.DATA_DIR, target);
	const by = via === 'direct' ? 'no server was running' : `written by the running server, process ${via.pid}`;
	console.log(`Backed up ${env.DATA_DIR} to ${target} (${bytes} bytes; ${by}).`);
} catch (error) {
	console.error((error as Error).message);
	process.exitCode = 1;
}
