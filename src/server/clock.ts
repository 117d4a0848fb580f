/**
 * The instant a request is handled at, for the learner's calendar: days, streaks, attempt limits and the
 * review queue. Always the real time, except on a server started with TEST_CLOCK=header, where a request
 * may name its own instant in `X-Test-Now` (ISO 8601): how the tests move the clock across days. Sessions,
 * tokens and rate limits keep the real time either way, so moving the clock never signs anyone out.
 */
import type { HeaderReader } from './http/incoming.ts';

export const TEST_CLOCK_HEADER = 'x-test-now';

/** `testClock`: the server runs with TEST_CLOCK=header (never in production; the server warns at start). */
export function requestNow(request: { headers: HeaderReader }, testClock: boolean, real: Date = new Date()): Date {
	if (!testClock) return real;
	const named = request.headers.get(TEST_CLOCK_HEADER);
	if (!named) return real;
	const at = new Date(named);
	return Number.isNaN(at.getTime()) ? real : at;
}
