/**
 * The session lookup's rows kept in the server's memory, so that a learner's request sends its own
 * statement and not the session's too (issue 13; decision 0035). Correct only while every change to the
 * tables the lookup reads empties it:
 * - other processes' changes arrive as PostgreSQL notifications (migration 0016's triggers, heard by
 *   `db/change-listener.ts`); while that feed is not confirmed working, nothing is served from here;
 * - this process's own writes empty it at once and keep it unused until their notification can have
 *   arrived (`noteLocalWrite`, called by `writeWatcher` for every INSERT/UPDATE/DELETE on those tables).
 * A lookup that began before a flush never stores its (possibly older) row: `ticket`/`store`.
 */
import type { KyselyPlugin, OperationNode, RootOperationNode } from 'kysely';

/** Every table `validateSessionToken` reads: a change to any of them may change a cached row. */
export const SESSION_TABLES: ReadonlySet<string> = new Set(['sessions', 'users', 'team_members', 'teams', 'oauth_refresh_tokens']);

/** The channel migration 0016's triggers notify on. */
export const SESSION_CHANGES_CHANNEL = 'cc_session_changes';

export interface SessionCacheOptions {
	/** At most this many sessions are kept; the oldest stored goes first. */
	maxEntries?: number;
	/** A row older than this is read again even without a notification: a bound if the feed fails silently between heartbeats. */
	maxAgeMs?: number;
	/** After this process writes a watched table, the cache stays unused this long (its commit's notification is on the way). */
	localWriteQuietMs?: number;
	clock?: () => number;
}

export interface SessionCacheStats {
	hits: number;
	misses: number;
	flushes: number;
}

export class SessionCache<Row> {
	readonly #entries = new Map<string, { row: Row; storedAt: number }>();
	readonly #maxEntries: number;
	readonly #maxAgeMs: number;
	readonly #quietMs: number;
	readonly #clock: () => number;
	#generation = 0;
	#live = false;
	#quietUntil = 0;
	readonly stats: SessionCacheStats = { hits: 0, misses: 0, flushes: 0 };

	constructor(options: SessionCacheOptions = {}) {
		this.#maxEntries = options.maxEntries ?? 10_000;
		this.#maxAgeMs = options.maxAgeMs ?? 60_000;
		this.#quietMs = options.localWriteQuietMs ?? 1_000;
		this.#clock = options.clock ?? Date.now;
	}

	get usable(): boolean {
		return this.#live && this.#clock() >= this.#quietUntil;
	}

	get(key: string): Row | undefined {
		if (!this.usable) return undefined;
		const entry = this.#entries.get(key);
		if (entry && this.#clock() - entry.storedAt <= this.#maxAgeMs) {
			this.stats.hits++;
			return entry.row;
		}
		if (entry) this.#entries.delete(key);
		this.stats.misses++;
		return undefined;
	}

	/** Taken before reading the database; `store` refuses the row if the cache was flushed meanwhile. */
	ticket(): number {
		return this.#generation;
	}

	store(key: string, row: Row, ticket: number): void {
		if (ticket !== this.#generation || !this.usable) return;
		if (this.#entries.size >= this.#maxEntries) {
			const oldest = this.#entries.keys().next().value;
			if (oldest !== undefined) this.#entries.delete(oldest);
		}
		this.#entries.set(key, { row, storedAt: this.#clock() });
	}

	/** Something the lookup reads changed (a notification): forget every row. */
	flush(): void {
		this.#generation++;
		this.stats.flushes++;
		this.#entries.clear();
	}

	/** The change feed is confirmed working (its self-test passed) or is not: only a live cache serves rows. */
	setLive(live: boolean): void {
		this.flush();
		this.#live = live;
	}

	/** This process is writing a watched table: forget every row and serve none until the commit's notification has had time to arrive. */
	noteLocalWrite(): void {
		this.flush();
		this.#quietUntil = this.#clock() + this.#quietMs;
	}

	/** A Kysely plugin that calls `noteLocalWrite` for every statement writing a watched table. */
	readonly writeWatcher: KyselyPlugin = {
		transformQuery: (args) => {
			if (writesAny(args.node, SESSION_TABLES)) this.noteLocalWrite();
			return args.node;
		},
		transformResult: async (args) => args.result,
	};
}

/** Whether a statement (or one of its CTEs) inserts, updates or deletes rows of one of `tables`. */
export function writesAny(node: RootOperationNode | OperationNode, tables: ReadonlySet<string>): boolean {
	const n = node as unknown as Record<string, unknown> & { kind: string };
	const inCtes = () =>
		((n.with as { expressions?: { expression: OperationNode }[] } | undefined)?.expressions ?? []).some((cte) =>
			writesAny(cte.expression, tables),
		);
	switch (n.kind) {
		case 'InsertQueryNode':
			return namesAny(n.into, tables) || inCtes();
		case 'UpdateQueryNode':
			return namesAny(n.table, tables) || inCtes();
		case 'DeleteQueryNode':
			return namesAny(n.from, tables) || inCtes();
		case 'SelectQueryNode':
			return inCtes();
		case 'RawNode':
			// Raw SQL is not parsed: a raw write to these tables is heard through its notification only.
			return false;
		default:
			// MergeQueryNode and anything newer: assume the worst.
			return /Merge/.test(n.kind);
	}
}

/** The table names under a target node (a TableNode, an alias of one, or a FROM list). */
function namesAny(node: unknown, tables: ReadonlySet<string>): boolean {
	if (!node || typeof node !== 'object') return false;
	const n = node as { kind?: string; table?: { identifier?: { name?: string } }; node?: unknown; froms?: unknown[] };
	if (n.kind === 'TableNode') return tables.has(n.table?.identifier?.name ?? '');
	if (n.kind === 'AliasNode') return namesAny(n.node, tables);
	if (n.kind === 'FromNode') return (n.froms ?? []).some((f) => namesAny(f, tables));
	return false;
}
