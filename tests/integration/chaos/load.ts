/**
 * Write load for the chaos tests: clients registering accounts (one row in `users` each, a unique
 * email) as fast as the server answers. An account counts as acknowledged only on a 201; whatever
 * else came back is tallied by status so a test can say what the clients saw during the fault.
 */
import { randomBytes } from 'node:crypto';

export interface LoadResult {
	acknowledged: string[];
	statuses: Record<string, number>;
	/** Bodies of the non-201 answers, one per status (for assertions on the error shape). */
	samples: Record<string, { body: string; retryAfter: string | null }>;
}

export interface Load {
	stop(): Promise<LoadResult>;
	acknowledgedCount(): number;
	/** A copy of the acknowledged emails so far; the load keeps running. */
	acknowledgedSoFar(): string[];
}

export function startWriteLoad(baseUrl: () => string, options: { clients?: number; tag?: string } = {}): Load {
	const tag = options.tag ?? randomBytes(3).toString('hex');
	const result: LoadResult = { acknowledged: [], statuses: {}, samples: {} };
	let stopping = false;
	let n = 0;
	const client = async (id: number) => {
		while (!stopping) {
			const email = `chaos-${tag}-${id}-${n++}@example.test`;
			let key: string;
			try {
				const res = await fetch(`${baseUrl()}/api/v1/auth/register`, {
					method: 'POST',
					headers: { 'content-type': 'application/json', origin: baseUrl() },
					body: JSON.stringify({ email, password: 'chaos-password-1', displayName: 'Chaos' }),
					signal: AbortSignal.timeout(15_000),
				});
				const body = await res.text();
				key = String(res.status);
				if (res.status === 201) result.acknowledged.push(email);
				else result.samples[key] ??= { body, retryAfter: res.headers.get('retry-after') };
			} catch (error) {
				key = `network:${(error as Error).name}`;
				await new Promise((resolve) => setTimeout(resolve, 50));
			}
			result.statuses[key] = (result.statuses[key] ?? 0) + 1;
		}
	};
	const running = Promise.all(Array.from({ length: options.clients ?? 4 }, (_, i) => client(i)));
	return {
		acknowledgedCount: () => result.acknowledged.length,
		acknowledgedSoFar: () => [...result.acknowledged],
		async stop() {
			stopping = true;
			await running;
			return result;
		},
	};
}

export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await check()) return;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
