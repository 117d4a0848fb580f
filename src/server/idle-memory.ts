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
	/** Called for every request: cheap (a timestamp). */
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
