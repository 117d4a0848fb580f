import type { DatabaseHandle } from './handle.ts';

/**
 * Closes the database on SIGTERM/SIGINT, then exits. Killing PGlite without
 * `close()` forces WAL recovery on the next open. A second signal exits at once.
 * Returns a function that removes the handlers.
 */
export function closeOnSignals(
	handle: Pick<DatabaseHandle, 'close'>,
	signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'],
): () => void {
	let shuttingDown = false;
	const onSignal = (signal: NodeJS.Signals) => {
		if (shuttingDown) {
			process.exit(1);
		}
		shuttingDown = true;
		handle.close().then(
			() => process.exit(0),
			(error: unknown) => {
				console.error(`[db] closing on ${signal} failed:`, error);
				process.exit(1);
			},
		);
	};
	for (const signal of signals) process.on(signal, onSignal);
	return () => {
		for (const signal of signals) process.removeListener(signal, onSignal);
	};
}
