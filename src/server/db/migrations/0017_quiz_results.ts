/**
 * One row per learner and quiz with what the learner views read of their attempts (best, latest, attempts,
 * first pass), kept by triggers on quiz_attempts, so a dashboard, a progress update or a submission reads a
 * row per quiz instead of aggregating every attempt ever made (docs/decisions/0036-quiz-results.md).
 * An insert adds to the row (ON CONFLICT DO UPDATE: two submissions to one quiz at once take turns on the
 * row, and each adds its own); a delete or an update recounts the pairs it touched from the attempts left,
 * one transaction at a time per pair (an advisory lock, so each recount reads what the one before committed).
 * Backfilled from the attempts already there, with writers held off meanwhile. The functions keep the
 * search_path they were created with, so a writer in another schema finds this schema's table.
 * Frozen snapshot: nothing is imported from schema.ts.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
type AnyDb = Kysely<any>;

/** The aggregate of a set of attempts, grouped by learner and quiz: what a recount and the backfill insert. */
const aggregate = (from: string) => `
	SELECT user_id, quiz_id, max(percent), (array_agg(percent ORDER BY created_at DESC, id DESC))[1],
		(array_agg(created_at ORDER BY created_at DESC, id DESC))[1], (array_agg(id ORDER BY created_at DESC, id DESC))[1],
		count(*), min(created_at) FILTER (WHERE passed)
	FROM ${from} GROUP BY user_id, quiz_id`;

const COLUMNS = 'user_id, quiz_id, best, latest, latest_at, latest_id, attempts, first_passed_at';

export async function up(db: AnyDb): Promise<void> {
	// An attempt committed by another instance between the backfill's snapshot and the trigger's creation would
	// be counted by neither: writers wait until this migration's transaction commits (the migrator runs each
	// migration in one; called alone, call it in a transaction).
	await sql`LOCK TABLE quiz_attempts IN SHARE ROW EXCLUSIVE MODE`.execute(db);
	await db.schema
		.createTable('quiz_results')
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('quiz_id', 'text', (c) => c.notNull())
		.addColumn('best', 'integer', (c) => c.notNull())
		.addColumn('latest', 'integer', (c) => c.notNull())
		.addColumn('latest_at', 'timestamptz', (c) => c.notNull())
		.addColumn('latest_id', 'integer', (c) => c.notNull())
		.addColumn('attempts', 'integer', (c) => c.notNull())
		.addColumn('first_passed_at', 'timestamptz')
		.addPrimaryKeyConstraint('quiz_results_pkey', ['user_id', 'quiz_id'])
		.execute();
	await sql.raw(`INSERT INTO quiz_results (${COLUMNS}) ${aggregate('quiz_attempts')}`).execute(db);
	// The latest attempt is the one with the latest (created_at, id), as the aggregate orders them.
	await sql`
		create function cc_quiz_results_add() returns trigger language plpgsql set search_path from current as $$
		begin
			insert into quiz_results (user_id, quiz_id, best, latest, latest_at, latest_id, attempts, first_passed_at)
			values (new.user_id, new.quiz_id, new.percent, new.percent, new.created_at, new.id, 1,
				case when new.passed then new.created_at end)
			on conflict (user_id, quiz_id) do update set
				best = greatest(quiz_results.best, excluded.best),
				latest = case when (excluded.latest_at, excluded.latest_id) > (quiz_results.latest_at, quiz_results.latest_id)
					then excluded.latest else quiz_results.latest end,
				latest_id = case when (excluded.latest_at, excluded.latest_id) > (quiz_results.latest_at, quiz_results.latest_id)
					then excluded.latest_id else quiz_results.latest_id end,
				latest_at = greatest(quiz_results.latest_at, excluded.latest_at),
				attempts = quiz_results.attempts + 1,
				first_passed_at = least(quiz_results.first_passed_at, excluded.first_passed_at);
			return null;
		end
		$$
	`.execute(db);
	await sql`
		create trigger quiz_attempts_results_add after insert on quiz_attempts
		for each row execute function cc_quiz_results_add()
	`.execute(db);
	// `changed` is the transition table of the statement's rows (their pairs are recounted). Two recounts of one
	// pair would each read the other's attempts as not yet gone (or collide on the key): the lock makes the
	// second wait for the first's commit, and each later statement of this function reads afresh (READ
	// COMMITTED). Locks are taken in pair order, so two recounts of several pairs cannot deadlock. An insert
	// needs no lock: its ON CONFLICT waits for the row a recount deleted or wrote.
	await sql
		.raw(`
		create function cc_quiz_results_recount() returns trigger language plpgsql set search_path from current as $$
		begin
			perform pg_advisory_xact_lock(hashtextextended(user_id || chr(1) || quiz_id, 17))
				from (select distinct user_id, quiz_id from changed order by user_id, quiz_id) pairs;
			delete from quiz_results r using (select distinct user_id, quiz_id from changed) c
				where r.user_id = c.user_id and r.quiz_id = c.quiz_id;
			insert into quiz_results (${COLUMNS})
				${aggregate('quiz_attempts a WHERE (a.user_id, a.quiz_id) IN (SELECT user_id, quiz_id FROM changed)')};
			return null;
		end
		$$`)
		.execute(db);
	// A transition table serves one event per trigger: one trigger for deletes, one for updates (of the old pairs;
	// an update that moves an attempt to another pair is counted by recounting both through the new rows too).
	await sql`
		create trigger quiz_attempts_results_delete after delete on quiz_attempts
		referencing old table as changed for each statement execute function cc_quiz_results_recount()
	`.execute(db);
	await sql`
		create trigger quiz_attempts_results_update_old after update on quiz_attempts
		referencing old table as changed for each statement execute function cc_quiz_results_recount()
	`.execute(db);
	await sql`
		create trigger quiz_attempts_results_update_new after update on quiz_attempts
		referencing new table as changed for each statement execute function cc_quiz_results_recount()
	`.execute(db);
	// DELETE, not TRUNCATE: a TRUNCATE … CASCADE that also empties quiz_results is still using it.
	await sql`create function cc_quiz_results_clear() returns trigger language plpgsql set search_path from current as $$
		begin delete from quiz_results; return null; end $$`.execute(db);
	await sql`
		create trigger quiz_attempts_results_truncate after truncate on quiz_attempts
		for each statement execute function cc_quiz_results_clear()
	`.execute(db);
}

export async function down(db: AnyDb): Promise<void> {
	for (const trigger of [
		'quiz_attempts_results_add',
		'quiz_attempts_results_delete',
		'quiz_attempts_results_update_old',
		'quiz_attempts_results_update_new',
		'quiz_attempts_results_truncate',
	]) {
		await sql`drop trigger if exists ${sql.id(trigger)} on quiz_attempts`.execute(db);
	}
	for (const fn of ['cc_quiz_results_add', 'cc_quiz_results_recount', 'cc_quiz_results_clear']) {
		await sql`drop function if exists ${sql.id(fn)}()`.execute(db);
	}
	await db.schema.dropTable('quiz_results').ifExists().execute();
}
