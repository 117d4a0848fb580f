/**
 * Runs the cleanup in the background of a server: first a while after start (not during start-up,
 * when migrations and the first requests want the database), then at a fixed interval. The timers are
 * unref'd, so they never keep a process alive; a failed run is logged and the next one tries again.
 */

export interface CleanupSchedule {
	/** Stops the timers and waits for a run in progress, so the database can be closed after it. */
	stop(): Promise<void>;
}

export interface CleanupScheduleOptions {
	intervalMs: number;
	/** Default one minute. */
	firstRunAfterMs?: number;
	/** Where a failed run is reported; defaults to console.error. */
	onError?: (error: unknown) => void;
}

export function startCleanupSchedule(run: () => Promise<unknown>, options: CleanupScheduleOptions): CleanupSchedule {
	const onError = options.onError ?? ((error: unknown) => console.error('[db] cleanup failed:', error));
	let running: Promise<void> | undefined;
	let interval: NodeJS.Timeout | undefined;
	let stopped = false;

	const tick = () => {
		// A slow run is not overlapped by the next one.
		if (stopped || running) return;
		running = run()
			.then(() => undefined, onError)
			.finally(() => {
				running = undefined;
			});
	};

	const first = setTimeout(() => {
		tick();
		interval = setInterval(tick, options.intervalMs).unref();
	}, options.firstRunAfterMs ?? 60_000).unref();

	return {
		async stop() {
			stopped = true;
			clearTimeout(first);
			clearInterval(interval);
			await running;
		},
	};
}
