/**
 * Gives the server's spare heap back to the system once it has been idle for a while (decision 0037).
 *
 * V8 keeps the young generation at the size a burst of requests grew it to (2 × 32 MB once a few hundred
 * requests have run) and keeps freed pages for reuse; its own memory reducer never returned them here, so a
 * server idled at the memory of its busiest minute. A memory-reducing collection (`gc` with the `last-resort`
 * flavor: compacting full collections that shrink the young generation and release pooled pages) takes about
 * 120 ms on this heap, so it runs only when nobody is waiting: after `idleMs` without a request, and only when
 * the resident size grew by `minGrowthBytes` since the last one, so a trickle of requests does not pay for it
 * again and again.
 */

/**
 * IDLE_MEMORY_RELEASE_SECONDS when unset. A minute: a collection leaves a small young generation and colder code,
 * so the next burst runs slower for a while (with 10 s, the bench's rounds after one ran up to 1.7× the CPU per
 * request); a server quiet for a minute has little traffic to slow down.
 */
export const DEFAULT_IDLE_SECONDS = 60;

/** Growth since the last collection below which another one is not worth its pause. */
export const MIN_GROWTH_BYTES = 16 * 2 ** 20;

/** How often the collector looks: a quarter of the idle time, between every 0.5 s and every 5 s. */
export function idleTickMs(idleMs: number): number {
	return Math.min(5000, Math.max(500, idleMs / 4));
}

/** When a server idle since `idleSeconds` ago has surely collected: the idle time, one more look, and a margin (the benches wait this long). */
export function idleCollectionDueMs(idleSeconds: number): number {
	return idleSeconds * 1000 + idleTickMs(idleSeconds * 1000) + 1500;
}

/** The log message of each collection (with rssBeforeMb, rssAfterMb, ms), which the benches read. */
export const IDLE_COLLECTION_MESSAGE = 'idle: memory returned';

/** V8's `gc()` as `--expose-gc` installs it, with the options object of V8 ≥ 11. */
export type GcFunction = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

export interface IdleCollection {
	rssBefore: number;
	rssAfter: number;
	ms: number;
}

export interface IdleCollectorOptions {
	gc: GcFunction;
	/** Resident set size in bytes (process.memoryUsage.rss in production). */
	rss: () => number;
	/** Milliseconds (performance.now in production). */
	now: () => number;
	idleMs: number;
	minGrowthBytes: number;
	onCollected?: (collection: IdleCollection) => void;
}

export interface IdleCollector {
	/** Called when a request arrives and when its response ends (the idle time starts then): cheap, a timestamp. */
	noteRequest(): void;
	/** Called every so often (a timer); collects when the server has been idle long enough and has grown. */
	tick(): IdleCollection | null;
}

export function createIdleCollector(options: IdleCollectorOptions): IdleCollector {
	const { gc, rss, now, idleMs, minGrowthBytes } = options;
	let lastRequest = now();
	// Nothing collected yet: the start-up itself (module loading, migrations, the search index) grew the heap.
	let rssAfterLast = 0;
	return {
		noteRequest() {
			lastRequest = now();
		},
		tick() {
			if (now() - lastRequest < idleMs) return null;
			const rssBefore = rss();
			if (rssBefore - rssAfterLast < minGrowthBytes) return null;
			const started = now();
			gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
			const collection = { rssBefore, rssAfter: rss(), ms: now() - started };
			rssAfterLast = collection.rssAfter;
			options.onCollected?.(collection);
			return collection;
		},
	};
}

/** V8's gc function when the process was started with `--expose-gc` (package.json's serve and start scripts). */
export function exposedGc(): GcFunction | null {
	const gc = (globalThis as { gc?: unknown }).gc;
	return typeof gc === 'function' ? (gc as GcFunction) : null;
}
