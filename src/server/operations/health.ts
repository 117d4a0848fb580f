/** Liveness (the process answers) and readiness (database reachable, migrations current). */
import { log } from '../log.ts';
import { sql } from 'kysely';
import { z } from 'astro/zod';
import { errorResponse } from '../api/errors.ts';
import { defineOperation, json } from '../api/operation.ts';
import { migrationStatus } from '../db/migrate.ts';
import { getServices } from '../services.ts';

export const health = defineOperation({
	operationId: 'health',
	method: 'GET',
	path: '/api/health',
	summary: 'Liveness check',
	description: 'Answers 200 while the process is running.',
	tags: ['Operations'],
	auth: 'public',
	response: z.object({ status: z.literal('ok'), uptimeSeconds: z.number() }),
	async handler() {
		return { status: 'ok' as const, uptimeSeconds: Math.round(process.uptime()) };
	},
});

export const ready = defineOperation({
	operationId: 'ready',
	method: 'GET',
	path: '/api/ready',
	summary: 'Readiness check',
	description: 'Answers 200 when the database is reachable and every migration is applied, 503 otherwise.',
	tags: ['Operations'],
	auth: 'public',
	response: z.object({ status: z.literal('ready'), database: z.string(), pendingMigrations: z.number().int() }),
	errors: [503],
	async handler() {
		try {
			const { db, handle } = await getServices();
			await sql`select 1`.execute(db);
			const status = await migrationStatus(db);
			if (status.pending === 0) return json({ status: 'ready', database: handle.dialect, pendingMigrations: 0 });
			return errorResponse(503, 'not_ready', `${status.pending} database migration(s) are pending.`, {
				database: handle.dialect,
				pendingMigrations: status.pending,
			});
		} catch (error) {
			// A 503 in the one error shape (as documented); the driver's message, which can name hosts, goes to the log only.
			log.warn({ err: error }, 'ready check: database unreachable');
			return errorResponse(503, 'not_ready', 'The database is unreachable.', { database: 'unreachable', pendingMigrations: -1 });
		}
	},
});
