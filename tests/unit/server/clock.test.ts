import { describe, expect, it } from 'vitest';
import { requestNow, TEST_CLOCK_HEADER } from '../../../src/server/clock.ts';

describe('requestNow', () => {
	const real = new Date('2026-12-01T10:00:00Z');
	const asking = (value: string) => new Request('http://x/', { headers: { [TEST_CLOCK_HEADER]: value } });

	it('ignores X-Test-Now unless the server runs with TEST_CLOCK=header', () => {
		expect(requestNow(asking('2026-03-10T12:00:00Z'), false, real)).toBe(real);
	});

	it('uses the instant the request names when enabled, and the real time for a missing or bad value', () => {
		expect(requestNow(asking('2026-03-10T12:00:00Z'), true, real).toISOString()).toBe('2026-03-10T12:00:00.000Z');
		expect(requestNow(asking('tomorrow'), true, real)).toBe(real);
		expect(requestNow(new Request('http://x/'), true, real)).toBe(real);
	});
});
