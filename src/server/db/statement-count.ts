/**
 * Diagnostics: how many SQL statements one request sends (DB_STATEMENT_COUNTS=true). Each request runs
 * in its own counter; the middleware reports it in `X-DB-Statements`, which the statement-count tests
 * pin per operation so that a change adding a round trip fails. Off by default: nothing is wrapped.
 * BEGIN and COMMIT are not counted (Kysely runs them outside its query plugins).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { KyselyPlugin } from 'kysely';
import type { DatabaseHandle } from './handle.ts';

// On globalThis: scripts/serve.ts opens the services from src/ while the middleware runs from the build,
// and both copies of this module must share one counter.
const KEY = Symbol.for('course-companion.db.statement-counter');
const g = globalThis as unknown as Record<symbol, AsyncLocalStorage<{ statements: number }> | undefined>;
g[KEY] ??= new AsyncLocalStorage<{ statements: number }>();
const counter = g[KEY];

function count(): void {
	const current = counter.getStore();
	if (current) current.statements++;
}

const countingPlugin: KyselyPlugin = {
	transformQuery(args) {
		count();
		return args.node;
	},
	async transformResult(args) {
		return args.result;
	},
};

/** The same handle, counting every statement sent through Kysely or the raw client (rate limits). */
export function countingHandle(handle: DatabaseHandle): DatabaseHandle {
	return {
		...handle,
		db: handle.db.withPlugin(countingPlugin),
		raw: {
			query(text, values) {
				count();
				return handle.raw.query(text, values);
			},
		},
	};
}

/** Runs `fn` with a fresh counter; returns its result and how many statements it sent. */
export async function withStatementCount<T>(fn: () => Promise<T>): Promise<{ result: T; statements: number }> {
	const store = { statements: 0 };
	const result = await counter.run(store, fn);
	return { result, statements: store.statements };
}
