/** Bounded concurrency and a progress line: one rewritten line on a terminal, plain lines in CI logs. */

export interface ProgressStream {
	isTTY?: boolean;
	columns?: number;
	write(text: string): unknown;
}

export interface Progress {
	step(verb: string, what: string): void;
	done(): void;
}

export function createProgress(stream: ProgressStream, total: number): Progress {
	let n = 0;
	let drawn = false;
	return {
		step(verb, what) {
			n += 1;
			const line = `[${n}/${total}] ${verb} ${what}`;
			if (stream.isTTY) {
				const width = Math.max(20, (stream.columns ?? 100) - 1);
				stream.write(`\r${line.length > width ? `${line.slice(0, width - 1)}…` : line}\x1b[K`);
				drawn = true;
			} else {
				stream.write(`${line}\n`);
			}
		},
		done() {
			if (drawn) stream.write('\r\x1b[K');
			drawn = false;
		},
	};
}

/**
 * Runs `task` over `items` with at most `limit` in flight. After the first failure no new task
 * starts; the ones in flight finish, then the first error is thrown.
 */
export async function runPool<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
	let next = 0;
	let failure: { error: unknown } | undefined;
	const worker = async () => {
		while (!failure && next < items.length) {
			const item = items[next++] as T;
			try {
				await task(item);
			} catch (error) {
				failure ??= { error };
			}
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
	if (failure) throw failure.error;
}
