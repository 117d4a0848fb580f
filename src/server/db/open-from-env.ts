/** The database the configuration names: the one way the server and every CLI open it. */
import type { Env } from '../env.ts';
import { type DatabaseHandle, openDatabase } from './factory.ts';

export function openDatabaseFromEnv(
	env: Pick<Env, 'DATABASE_URL' | 'DATABASE_DRIVER' | 'DATA_DIR' | 'NEON_WS_PROXY'> &
		Partial<Pick<Env, 'PGLITE_DURABILITY' | 'PGLITE_NEW_CLUSTER' | 'PG_PREPARED_STATEMENTS'>>,
): Promise<DatabaseHandle> {
	return openDatabase({
		url: env.DATABASE_URL,
		driver: env.DATABASE_DRIVER,
		dataDir: env.DATA_DIR,
		neonWsProxy: env.NEON_WS_PROXY,
		pgliteDurability: env.PGLITE_DURABILITY,
		pgliteNewCluster: env.PGLITE_NEW_CLUSTER,
		preparedStatements: env.PG_PREPARED_STATEMENTS !== 'false',
	});
}
