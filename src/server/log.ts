/**
 * The one logger: JSON lines (pino) for the server, the pages and the CLIs, at LOG_LEVEL. An unexpected
 * error is logged once, where it is turned into a 500, with the request id the response carries.
 */
import pino from 'pino';

const level = (process.env.LOG_LEVEL as pino.LevelWithSilent | undefined) ?? 'info';

const SERVICE = 'course-companion';

export const log = pino({ level, base: { service: SERVICE } });

/** How long a request line may wait in the access log's buffer. */
const ACCESS_LOG_FLUSH_MS = 250;

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
 * check-in's server CPU (docs/decisions/0028-api-dispatcher.md). The line is built by hand: pino's walk over
 * the object was ~5 % of a static request (docs/decisions/0033-lean-static-path.md). Flushed when the process
 * exits. Other lines (warnings, links written to the log when no SMTP is configured) stay on `log`, unbuffered.
 */
export function createAccessLog(): (entry: AccessEntry) => void {
	if (!log.isLevelEnabled('info')) return () => {};
	const destination = pino.destination({ dest: 1, sync: true, minLength: 8192 });
	setInterval(() => destination.flush(), ACCESS_LOG_FLUSH_MS).unref();
	process.on('exit', () => destination.flushSync());
	const head = `{"level":${log.levels.values.info},"time":`;
	const service = `,"service":${JSON.stringify(SERVICE)},"reqId":`;
	return (entry) => {
		destination.write(
			`${head}${Date.now()}${service}${JSON.stringify(entry.reqId)},"method":${JSON.stringify(entry.method)},"url":${JSON.stringify(entry.url)},"status":${entry.status},"ms":${entry.ms},"msg":"request"}\n`,
		);
	};
}

/** An error nobody expected: logged with its stack and the request it broke. */
export function logUnexpected(error: unknown, context: { requestId?: string | undefined; where: string }): void {
	log.error({ err: error, reqId: context.requestId, where: context.where }, 'unexpected error');
}
