/**
 * Opens the app's database, choosing the driver: embedded PGlite (no URL, `pglite.ts`), PostgreSQL
 * over TCP or Neon's WebSocket pool (`postgres.ts`). Whatever the driver, callers get the same
 * `DatabaseHandle` and the same JS types.
 */
import type { DatabaseDialect, DatabaseHandle } from './handle.ts';
import { openPglite } from './pglite.ts';
import type { PgliteNewCluster } from './pglite-cluster.ts';
import type { PgliteDurability } from './pglite-durability.ts';
import { openPostgres } from './postgres.ts';

// Callers have always imported these from the factory.
export { closeOnSignals } from './close-on-signals.ts';
export type { DatabaseDialect, DatabaseHandle, RawClient, RawQueryConfig } from './handle.ts';
export { DatabaseLockedError, type LockInfo, lockFilePath } from './pglite-lock.ts';

export interface OpenDatabaseOptions {
	/** A postgres:// or postgresql:// URL. Without one, the embedded PGlite database is used. */
	url?: string;
	/** Defaults to 'postgres' when a URL is given, else 'pglite'. 'neon' needs a URL. */
	driver?: DatabaseDialect;
	/** PGlite data directory; default `./.data/pglite`. Parent directories are created. */
	dataDir?: string;
	/**
	 * Neon driver only: a WebSocket-to-TCP proxy in front of a plain PostgreSQL (Neon's documented
	 * local setup, e.g. `localhost:5433/v1`), spoken without TLS. Unset in production.
	 */
	neonWsProxy?: string;
	/** `pg` driver only: named (prepared) statements, parsed once per connection. */
	preparedStatements?: boolean;
	/** PGlite only: 'fsync' (default) flushes every commit to stable storage; 'unsafe-no-fsync' does not (PGLITE_DURABILITY). */
	pgliteDurability?: PgliteDurability;
	/** Embedded only: a fresh directory from the shipped cluster (default) or from initdb. */
	pgliteNewCluster?: PgliteNewCluster;
	/** PGlite only: called on a PANIC instead of exiting the process (tests). */
	onFatal?: (message: string) => void;
}

export const DEFAULT_DATA_DIR = './.data/pglite';

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
	// An empty DATABASE_URL= in a .env file means "not set".
	const url = options.url?.trim() || undefined;
	const driver = options.driver ?? (url ? driverForUrl(url) : 'pglite');
	if (driver === 'pglite') {
		if (url) throw new Error("The 'pglite' driver uses a data directory, not a URL: unset DATABASE_URL or pick another driver.");
		return openPglite(options.dataDir ?? DEFAULT_DATA_DIR, {
			durability: options.pgliteDurability,
			newCluster: options.pgliteNewCluster,
			onFatal: options.onFatal,
		});
	}
	if (!url) throw new Error(`The '${driver}' driver needs a connection URL (DATABASE_URL).`);
	return openPostgres(url, driver, options.neonWsProxy, options.preparedStatements);
}

function driverForUrl(url: string): DatabaseDialect {
	if (/^postgres(ql)?:\/\//i.test(url)) return 'postgres';
	// Only the scheme is echoed: the URL may hold a password.
	const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1] ?? '(none)';
	throw new Error(`Unsupported database URL scheme '${scheme}': expected postgres:// or postgresql://.`);
}
