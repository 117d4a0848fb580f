/** Liveness (the process answers) and readiness (database reachable, migrations current). */
import { sql } from 'kysely';
import { z } from 'astro/zod';
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
	response: z.object({ status: z.enum(['ready', 'not_ready']), database: z.string(), pendingMigrations: z.number().int() }),
	errors: [503],
	async handler() {
		try {
			const { db, handle } = await getServices();
			await sql`select 1`.execute(db);
			const status = await migrationStatus(db);
			const ok = status.pending === 0;
			return json({ status: ok ? 'ready' : 'not_ready', database: handle.dialect, pendingMigrations: status.pending }, ok ? 200 : 503);
		} catch (error) {
			return json({ status: 'not_ready', database: `unreachable: ${(error as Error).message}`, pendingMigrations: -1 }, 503);
		}
	},
});
