/** Runs a Node script (a CLI under scripts/, or inline code) in a child process and captures what it prints. */
import { spawn } from 'node:child_process';
import path from 'node:path';

export interface RunResult {
	code: number | null;
	stdout: string;
	stderr: string;
	/** stdout and stderr interleaved as they arrived. */
	output: string;
	ms: number;
}

/**
 * `node <args>` from the project root, without blocking this process (a test may read a server's output
 * meanwhile). `env` is added to this process's environment unless `cleanEnv` says to start from nothing.
 */
export function runNode(
	args: string[],
	options: { env?: Record<string, string>; cleanEnv?: boolean; timeoutMs?: number } = {},
): Promise<RunResult> {
	const started = performance.now();
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, args, {
			cwd: path.resolve('.'),
			env: options.cleanEnv ? options.env : { ...process.env, LOG_LEVEL: 'warn', ...options.env },
			stdio: ['ignore', 'pipe', 'pipe'],
			timeout: options.timeoutMs ?? 120_000,
		});
		let stdout = '';
		let stderr = '';
		let output = '';
		child.stdout.on('data', (d) => {
			stdout += d;
			output += d;
		});
		child.stderr.on('data', (d) => {
			stderr += d;
			output += d;
		});
		child.once('error', reject);
		child.once('close', (code) => resolve({ code, stdout, stderr, output, ms: performance.now() - started }));
	});
}
