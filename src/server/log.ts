/**
 * The one logger: JSON lines (pino) for the server, the pages and the CLIs, at LOG_LEVEL. An unexpected
 * error is logged once, where it is turned into a 500, with the request id the response carries.
 */
import pino from 'pino';

const level = (process.env.LOG_LEVEL as pino.LevelWithSilent | undefined) ?? 'info';

export const log = pino({ level, base: { service: 'course-companion' } });

/** How long a request line may wait in the access log's buffer. */
const ACCESS_LOG_FLUSH_MS = 250;

/**
 * The production server's request lines (scripts/serve.ts): the same JSON lines on stdout, written in
 * batches of about 8 kB or every 250 ms instead of one write(2) per request, which was ~8 % of a
 * check-in's server CPU (docs/decisions/0028-api-dispatcher.md). Flushed when the process exits. Other
 * lines (warnings, links written to the log when no SMTP is configured) stay on `log`, unbuffered.
 */
export function createAccessLog(): pino.Logger {
	const destination = pino.destination({ dest: 1, sync: true, minLength: 8192 });
	setInterval(() => destination.flush(), ACCESS_LOG_FLUSH_MS).unref();
	process.on('exit', () => destination.flushSync());
	return pino({ level, base: { service: 'course-companion' } }, destination);
}

/** An error nobody expected: logged with its stack and the request it broke. */
export function logUnexpected(error: unknown, context: { requestId?: string | undefined; where: string }): void {
	log.error({ err: error, reqId: context.requestId, where: context.where }, 'unexpected error');
}
