/**
 * The server's long-lived parts, created once per process on first use: configuration,
 * database (migrated, demo-seeded on the embedded database, cleaned up hourly), private content, rate limits, mail.
 */
import type { Kysely } from 'kysely';
import { SESSION_CHANGES_CHANNEL, SessionCache } from './auth/session-cache.ts';
import type { SessionLookupRow } from './auth/sessions.ts';
import { type ChangeListener, listenForChanges } from './db/change-listener.ts';
import { type ContentStore, localContentStore } from './content-store.ts';
import { CLEANUP_LABELS, type CleanupCounts, cleanupDatabase } from './db/cleanup.ts';
import { type CleanupSchedule, startCleanupSchedule } from './db/cleanup-schedule.ts';
import { closeOnSignals } from './db/close-on-signals.ts';
import type { DatabaseHandle } from './db/handle.ts';
import { openDatabaseFromEnv } from './db/open-from-env.ts';
import { countingHandle } from './db/statement-count.ts';
import { migrateToLatest } from './db/migrate.ts';
import type { Database } from './db/schema.ts';
import { type Env, seedDemoEnabled, serverEnv } from './env.ts';
import { log } from './log.ts';
import { createMailer, type Mailer } from './mail.ts';
import { createRateLimits, type RateLimits, rateLimitStoresFromEnv } from './rate-limit.ts';
import { seedDemoAccounts } from './seed.ts';

export interface Services {
	env: Env;
	handle: DatabaseHandle;
	db: Kysely<Database>;
	content: ContentStore;
	limits: RateLimits;
	mailer: Mailer;
	/** Session lookups kept in memory (PostgreSQL over `pg` with SESSION_CACHE=on; decision 0035). */
	sessionCache?: SessionCache<SessionLookupRow>;
}

const state = globalThis as typeof globalThis & { __services?: Promise<Services> };

export function getServices(): Promise<Services> {
	state.__services ??= createServices().catch((error) => {
		state.__services = undefined;
		throw error;
	});
	return state.__services;
}

async function createServices(): Promise<Services> {
	const env = serverEnv();
	const database = await openDatabaseFromEnv(env);
	// The cache needs the change feed, which needs its own connection to the server's PostgreSQL.
	const changeFeedUrl = database.dialect === 'postgres' && env.SESSION_CACHE === 'on' ? env.DATABASE_URL : undefined;
	const sessionCache = changeFeedUrl ? new SessionCache<SessionLookupRow>() : undefined;
	let listener: ChangeListener | undefined;
	const watched = sessionCache ? { ...database, db: database.db.withPlugin(sessionCache.writeWatcher) } : database;
	const opened = env.DB_STATEMENT_COUNTS === 'true' ? countingHandle(watched) : watched;
	let cleanup: CleanupSchedule | undefined;
	let limits: RateLimits | undefined;
	let mailer: Mailer | undefined;
	// Whoever closes the database (scripts/serve.ts, closeOnSignals) stops the cleanup, closes the shared limit store and lets mail in flight finish first, so none meets a closed pool.
	const handle: DatabaseHandle = {
		...opened,
		async close() {
			await listener?.close();
			await cleanup?.stop();
			await mailer?.settle();
			await limits?.close();
			await opened.close();
		},
	};
	// scripts/serve.ts closes the database itself after in-flight requests finish.
	if (!(globalThis as { __ccManagedShutdown?: boolean }).__ccManagedShutdown) closeOnSignals(handle);
	await migrateToLatest(handle.db);
	if (seedDemoEnabled(env)) await seedDemoAccounts(handle.db);
	const content = await createContentStore(env);
	limits = await createRateLimits(handle, {
		perMinute: env.RATE_LIMIT_PER_MINUTE,
		authPer15Minutes: env.AUTH_RATE_LIMIT_PER_15_MINUTES,
		...(env.ANONYMOUS_RATE_LIMIT_PER_MINUTE ? { anonymousPerMinute: env.ANONYMOUS_RATE_LIMIT_PER_MINUTE } : {}),
		addressPer15Minutes: env.AUTH_ADDRESS_LIMIT_PER_15_MINUTES,
		oauthRegistrationsPer15Minutes: env.OAUTH_REGISTRATION_RATE_LIMIT_PER_15_MINUTES,
		passwordResetPerHour: env.PASSWORD_RESET_LIMIT_PER_HOUR,
		...rateLimitStoresFromEnv(env, handle.dialect),
	});
	mailer = createMailer(env);
	if (!mailer.configured && env.NODE_ENV === 'production') {
		log.warn('SMTP_URL is not set: password-reset and verification links are written to this log instead of being emailed');
	}
	if (env.TEST_CLOCK === 'header') log.warn('TEST_CLOCK=header: requests may set the learner clock with X-Test-Now; for tests only');
	// Started last: a start-up that fails leaves no timer or connection behind; after the migrations, whose triggers it hears.
	if (sessionCache && changeFeedUrl) listener = listenToSessionChanges(sessionCache, handle, changeFeedUrl);
	if (env.DB_CLEANUP_INTERVAL_MINUTES > 0) {
		cleanup = startCleanupSchedule(
			async () => logCleanup(await cleanupDatabase(handle.db, { now: new Date(), unusedClientDays: env.OAUTH_UNUSED_CLIENT_DAYS })),
			{ intervalMs: env.DB_CLEANUP_INTERVAL_MINUTES * 60_000 },
		);
	}
	return { env, handle, db: handle.db, content, limits, mailer, ...(sessionCache ? { sessionCache } : {}) };
}

/** The notifications that empty the session cache, heard on a connection of their own. */
function listenToSessionChanges(cache: SessionCache<SessionLookupRow>, database: DatabaseHandle, url: string): ChangeListener {
	return listenForChanges({
		url,
		channel: SESSION_CHANGES_CHANNEL,
		notify: async (channel, payload) => {
			await database.raw.query('select pg_notify($1, $2)', [channel, payload]);
		},
		onChange: () => cache.flush(),
		onLive: (live) => cache.setLive(live),
		log: (message) => log.warn(message),
	});
}

/** One line when something was deleted; silence otherwise. */
function logCleanup(counts: CleanupCounts): void {
	const parts = (Object.keys(counts) as (keyof CleanupCounts)[])
		.filter((k) => counts[k] > 0)
		.map((k) => `${counts[k]} ${CLEANUP_LABELS[k]}`);
	if (parts.length > 0) console.info(`[db] cleanup deleted ${parts.join(', ')}`);
}

async function createContentStore(env: Env): Promise<ContentStore> {
	if (env.CONTENT_STORE === 'r2') {
		const { r2ContentStore } = await import('./content-store-r2.ts');
		return r2ContentStore(env);
	}
	return localContentStore(env.PRIVATE_CONTENT_DIR, env.NODE_ENV === 'production');
}
