/**
 * The one logger: JSON lines (pino) for the server, the pages and the CLIs, at LOG_LEVEL. An unexpected
 * error is logged once, where it is turned into a 500, with the request id the response carries.
 */
import pino from 'pino';

const level = (process.env.LOG_LEVEL as pino.LevelWithSilent | undefined) ?? 'info';

const SERVICE = 'course-companion';

export const log = pino({ level, base: { service: SERVICE } });

/** How long a request line may wait in the access log's buffer, and how much is written at once. */
const ACCESS_LOG_FLUSH_MS = 250;
const ACCESS_LOG_BATCH_CHARS = 8192;

/** What a request line records. */
export interface AccessEntry {
	reqId: string;
	method: string;
	url: string;
	status: number;
	ms: number;
}

/**
 * The production server's request lines (scripts/serve.ts): the JSON line pino writes for
 * `log.info({ reqId, method, url, status, ms }, 'request')`, with the same fields in the same order, on stdout,
 * written in batches of about 8 kB or every 250 ms instead of one write(2) per request, which was ~8 % of a
 * check-in's server CPU (docs/decisions/0028-api-dispatcher.md). The line is built by hand and batched here
 * (docs/decisions/0033-lean-static-path.md): pino's object walk and sonic-boom's batching cost 10–30 % of a
 * static request. Flushed when the process exits. Other lines (warnings, links written to the log when no SMTP is configured) stay on `log`, unbuffered.
 */
export function createAccessLog(): (entry: AccessEntry) => void {
	if (!log.isLevelEnabled('info')) return () => {};
	// Batched here, not with sonic-boom's minLength: its write() measures the whole pending buffer's byte length
	// on every call, which flattens and re-reads up to 8 kB per request line.
	const destination = pino.destination({ dest: 1, sync: true });
	let batch: string[] = [];
	let pending = 0;
	const flush = () => {
		if (batch.length === 0) return;
		destination.write(batch.join(''));
		batch = [];
		pending = 0;
	};
	setInterval(flush, ACCESS_LOG_FLUSH_MS).unref();
	process.on('exit', () => {
		flush();
		destination.flushSync();
	});
	const head = `{"level":${log.levels.values.info},"time":`;
	const service = `,"service":${JSON.stringify(SERVICE)},"reqId":`;
	return (entry) => {
		const line = `${head}${Date.now()}${service}${JSON.stringify(entry.reqId)},"method":${JSON.stringify(entry.method)},"url":${JSON.stringify(entry.url)},"status":${entry.status},"ms":${entry.ms},"msg":"request"}\n`;
		batch.push(line);
		pending += line.length;
		if (pending >= ACCESS_LOG_BATCH_CHARS) flush();
	};
}

/** An error nobody expected: logged with its stack and the request it broke. */
export function logUnexpected(error: unknown, context: { requestId?: string | undefined; where: string }): void {
	log.error({ err: error, reqId: context.requestId, where: context.where }, 'unexpected error');
}
