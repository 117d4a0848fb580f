/**
 * The server's cleanup timer (fake timers: an hour passes in no time) and its two settings. The cleanup
 * itself runs on real databases in cleanup.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startCleanupSchedule } from '../../../src/server/db/cleanup-schedule.ts';
import { parseEnv } from '../../../src/server/env.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('cleanup schedule', () => {
	beforeEach(() => {
		vi.useFakeTimers();
	});
	afterEach(() => {
		vi.useRealTimers();
	});

	it('runs a minute after start, then once per interval', async () => {
		const run = vi.fn(async () => {});
		const schedule = startCleanupSchedule(run, { intervalMs: HOUR });
		await vi.advanceTimersByTimeAsync(MINUTE - 1);
		expect(run).not.toHaveBeenCalled();
		await vi.advanceTimersByTimeAsync(1);
		expect(run).toHaveBeenCalledTimes(1);
		await vi.advanceTimersByTimeAsync(HOUR - 1);
		expect(run).toHaveBeenCalledTimes(1);
		await vi.advanceTimersByTimeAsync(1);
		expect(run).toHaveBeenCalledTimes(2);
		await vi.advanceTimersByTimeAsync(2 * HOUR);
		expect(run).toHaveBeenCalledTimes(4);
		await schedule.stop();
	});

	it('keeps no process alive: its timers are unref’d', async () => {
		vi.useRealTimers();
		const timeouts = vi.spyOn(globalThis, 'setTimeout');
		const intervals = vi.spyOn(globalThis, 'setInterval');
		const run = vi.fn(async () => {});
		const schedule = startCleanupSchedule(run, { intervalMs: HOUR, firstRunAfterMs: 1 });
		await vi.waitFor(() => expect(run).toHaveBeenCalledTimes(1));
		// The schedule's own timers, told apart from any the test runner sets by their delays.
		const timeout = timeouts.mock.results[timeouts.mock.calls.findIndex((call) => call[1] === 1)]?.value;
		const interval = intervals.mock.results[intervals.mock.calls.findIndex((call) => call[1] === HOUR)]?.value;
		const timers = [timeout, interval] as NodeJS.Timeout[];
		timeouts.mockRestore();
		intervals.mockRestore();
		expect(timers.map((timer) => timer.hasRef())).toEqual([false, false]);
		await schedule.stop();
	});

	it('reports a failed run and tries again at the next interval', async () => {
		const errors: unknown[] = [];
		const run = vi.fn().mockRejectedValueOnce(new Error('connection refused')).mockResolvedValue(undefined);
		const schedule = startCleanupSchedule(run, { intervalMs: HOUR, onError: (error) => errors.push(error) });
		await vi.advanceTimersByTimeAsync(MINUTE);
		expect(errors).toEqual([new Error('connection refused')]);
		await vi.advanceTimersByTimeAsync(HOUR);
		expect(run).toHaveBeenCalledTimes(2);
		expect(errors).toHaveLength(1);
		await schedule.stop();
	});

	it('logs to console.error by default instead of throwing', async () => {
		const log = vi.spyOn(console, 'error').mockImplementation(() => {});
		const schedule = startCleanupSchedule(() => Promise.reject(new Error('boom')), { intervalMs: HOUR });
		await vi.advanceTimersByTimeAsync(MINUTE);
		expect(log).toHaveBeenCalledWith('[db] cleanup failed:', new Error('boom'));
		log.mockRestore();
		await schedule.stop();
	});

	it('does not start a run while the previous one is still going', async () => {
		let finish = () => {};
		const run = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
		const schedule = startCleanupSchedule(run, { intervalMs: MINUTE, firstRunAfterMs: MINUTE });
		await vi.advanceTimersByTimeAsync(3 * MINUTE);
		expect(run).toHaveBeenCalledTimes(1);
		finish();
		await vi.advanceTimersByTimeAsync(MINUTE);
		expect(run).toHaveBeenCalledTimes(2);
		finish();
		await schedule.stop();
	});

	it('stop() waits for the run in progress, and no run starts after it', async () => {
		let finish = () => {};
		let finished = false;
		const run = vi.fn(
			() =>
				new Promise<void>((resolve) => {
					finish = () => {
						finished = true;
						resolve();
					};
				}),
		);
		const schedule = startCleanupSchedule(run, { intervalMs: HOUR });
		await vi.advanceTimersByTimeAsync(MINUTE);
		let stopped = false;
		const stopping = schedule.stop().then(() => {
			stopped = true;
		});
		await vi.advanceTimersByTimeAsync(0);
		expect(stopped).toBe(false);
		finish();
		await stopping;
		expect(finished).toBe(true);
		await vi.advanceTimersByTimeAsync(3 * HOUR);
		expect(run).toHaveBeenCalledTimes(1);
	});

	it('stop() before the first run means no run at all', async () => {
		const run = vi.fn(async () => {});
		await startCleanupSchedule(run, { intervalMs: HOUR }).stop();
		await vi.advanceTimersByTimeAsync(2 * HOUR);
		expect(run).not.toHaveBeenCalled();
	});
});

describe('cleanup settings', () => {
	it('default to every 60 minutes and 30 days', () => {
		const env = parseEnv({});
		expect(env.DB_CLEANUP_INTERVAL_MINUTES).toBe(60);
		expect(env.OAUTH_UNUSED_CLIENT_DAYS).toBe(30);
	});

	it('accept other values, 0 minutes turning the schedule off', () => {
		const env = parseEnv({ DB_CLEANUP_INTERVAL_MINUTES: '0', OAUTH_UNUSED_CLIENT_DAYS: '7' });
		expect(env.DB_CLEANUP_INTERVAL_MINUTES).toBe(0);
		expect(env.OAUTH_UNUSED_CLIENT_DAYS).toBe(7);
	});

	it('refuse values that would delete clients at once or overflow a timer', () => {
		expect(() => parseEnv({ OAUTH_UNUSED_CLIENT_DAYS: '0' })).toThrow(/OAUTH_UNUSED_CLIENT_DAYS/);
		expect(() => parseEnv({ DB_CLEANUP_INTERVAL_MINUTES: '40000' })).toThrow(/DB_CLEANUP_INTERVAL_MINUTES/);
		expect(() => parseEnv({ DB_CLEANUP_INTERVAL_MINUTES: 'hourly' })).toThrow(/DB_CLEANUP_INTERVAL_MINUTES/);
	});
});
