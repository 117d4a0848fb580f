/**
 * The one logger: JSON lines (pino) for the server, the pages and the CLIs, at LOG_LEVEL. An unexpected
 * error is logged once, where it is turned into a 500, with the request id the response carries.
 */
import pino from 'pino';

const level = (process.env.LOG_LEVEL as pino.LevelWithSilent | undefined) ?? 'info';

export const log = pino({ level, base: { service: 'course-companion' } });

/** An error nobody expected: logged with its stack and the request it broke. */
export function logUnexpected(error: unknown, context: { requestId?: string | undefined; where: string }): void {
	log.error({ err: error, reqId: context.requestId, where: context.where }, 'unexpected error');
}
