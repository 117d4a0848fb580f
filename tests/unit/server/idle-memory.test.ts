/**
 * The idle collector (src/server/idle-memory.ts) decides when the server gives its spare heap back: only after
 * `idleMs` without a request, and only when the resident size grew enough since the last collection. A fake
 * clock, resident size and gc drive it here; the real collection is checked on a real server started with the serve
 * script's flags in tests/integration/production-server.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createIdleCollector, type GcFunction } from '../../../src/server/idle-memory.ts';

const MB = 2 ** 20;

function harness(startRss = 160 * MB) {
	const state = { clock: 0, rss: startRss, calls: [] as Parameters<GcFunction>[0][] };
	const gc: GcFunction = (options) => {
		state.calls.push(options);
		state.clock += 120;
		state.rss = Math.round(state.rss * 0.7);
	};
	const collector = createIdleCollector({ gc, rss: () => state.rss, now: () => state.clock, idleMs: 10_000, minGrowthBytes: 16 * MB });
	return { state, collector };
}

describe('idle collector', () => {
	it('collects once the server has been idle for idleMs after start, with a memory-reducing full collection', () => {
		const { state, collector } = harness();
		state.clock = 9_999;
		expect(collector.tick()).toBeNull();
		state.clock = 10_000;
		const collection = collector.tick();
		expect(collection).toEqual({ rssBefore: 160 * MB, rssAfter: 112 * MB, ms: 120 });
		expect(state.calls).toEqual([{ type: 'major', execution: 'sync', flavor: 'last-resort' }]);
	});

	it('waits while requests keep coming: each one starts the idle time again', () => {
		const { state, collector } = harness();
		for (let t = 0; t <= 60_000; t += 5_000) {
			state.clock = t;
			collector.noteRequest();
			expect(collector.tick()).toBeNull();
		}
		state.clock = 69_999;
		expect(collector.tick()).toBeNull();
		state.clock = 70_000;
		expect(collector.tick()).not.toBeNull();
	});

	it('does not collect again until the resident size has grown by minGrowthBytes since the last collection', () => {
		const { state, collector } = harness();
		state.clock = 10_000;
		expect(collector.tick()?.rssAfter).toBe(112 * MB);
		state.clock = 60_000;
		expect(collector.tick()).toBeNull();
		state.rss = 127 * MB;
		expect(collector.tick()).toBeNull();
		state.rss = 128 * MB;
		expect(collector.tick()?.rssBefore).toBe(128 * MB);
		expect(state.calls).toHaveLength(2);
	});

	it('reports each collection', () => {
		const seen: unknown[] = [];
		let clock = 0;
		const collector = createIdleCollector({
			gc: () => {},
			rss: () => 200 * MB,
			now: () => clock,
			idleMs: 1_000,
			minGrowthBytes: MB,
			onCollected: (c) => seen.push(c),
		});
		clock = 1_000;
		collector.tick();
		expect(seen).toEqual([{ rssBefore: 200 * MB, rssAfter: 200 * MB, ms: 0 }]);
	});
});
