/**
 * `npm run db:restore -- <file> [--replace]`: restores a backup made by `npm run db:backup` into the
 * embedded database directory (DATA_DIR). Stop the server first. The directory must be empty or
 * missing; with --replace the old one is kept beside it. With DATABASE_URL set, use pg_restore.
 */
import { restorePglite } from '../src/server/db/pglite-backup.ts';
import { parseEnv } from '../src/server/env.ts';

try {
	const args = process.argv.slice(2);
	const file = args.find((a) => !a.startsWith('--'));
	if (!file) throw new Error('Usage: npm run db:restore -- <file.tgz> [--replace]');
	const env = parseEnv();
	if (env.DATABASE_URL) throw new Error('DATABASE_URL is set: restore PostgreSQL/Neon with pg_restore (README, "Reliability").');
	const { movedAside } = await restorePglite(file, env.DATA_DIR, { replace: args.includes('--replace') });
	console.log(`Restored ${file} into ${env.DATA_DIR}.${movedAside ? ` The previous directory is kept at ${movedAside}.` : ''}`);
} catch (error) {
	console.error((error as Error).message);
	process.exitCode = 1;
}
