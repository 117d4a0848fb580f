/**
 * The class as an instructor sees it: a constant number of statements per request, whatever the
 * class size (sorting and filtering over every learner happen in SQL; per-learner details are read
 * for one page of learners at a time). Learners are accounts with the role 'student'.
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { AttemptForAnalysis } from '../../domain/item-analysis.ts';
import { type AccountFilter, accountCondition, type Page, type PageRequest, readPage, TOTAL_COLUMN } from './account-lists.ts';
import type { Role } from '../../domain/roles.ts';
import type { Database, DayString, JsonValue, Tier } from '../db/schema.ts';

export const LEARNER_SORTS = ['name', 'progress', 'lastActive'] as const;
export type LearnerSort = (typeof LEARNER_SORTS)[number];

export interface LearnerQuery {
	/** The course's chapter ids: completions of removed chapters do not count. */
	chapterIds: readonly string[];
	sort: LearnerSort;
	order: 'asc' | 'desc';
	/** The accounts listed (email or name, tier); the role is 'student' unless `teamId` is set. */
	filter: AccountFilter;
	/** active: an activity day on or after `activeSince`; inactive: none. */
	activity?: 'active' | 'inactive';
	activeSince: DayString;
	/** Only this team's members (the owner included, whatever their role); unset: every learner (role 'student'). */
	teamId?: string;
	page: PageRequest;
}

export interface LearnerRow {
	id: string;
	display_name: string;
	email: string;
	tier: Tier;
	timezone: string;
	completed: number;
	last_active: DayString | null;
	/** The owner of the learner's team (what the tier in force is derived from); null: in no team. */
	team_owner_tier: Tier | null;
	team_owner_role: Role | null;
}

function inList(values: readonly string[]): RawBuilder<unknown> {
	// `IN ()` is a syntax error; a course with no chapters matches nothing.
	return values.length === 0 ? sql`(NULL)` : sql`(${sql.join(values)})`;
}

/** One page of learners with the total that match, in one statement. */
export async function listLearnerRows(db: Kysely<Database>, q: LearnerQuery): Promise<Page<LearnerRow>> {
	const dir = q.order === 'asc' ? sql`ASC` : sql`DESC`;
	const orderBy =
		q.sort === 'name'
			? sql`lower(display_name) ${dir}, id`
			: q.sort === 'progress'
				? sql`completed ${dir}, lower(display_name), id`
				: sql`last_active ${dir} NULLS LAST, lower(display_name), id`;
	const activity =
		q.activity === 'active'
			? sql`AND last_active >= ${q.activeSince}::date`
			: q.activity === 'inactive'
				? sql`AND (last_active IS NULL OR last_active < ${q.activeSince}::date)`
				: sql``;
	const filter: AccountFilter = q.teamId === undefined ? { ...q.filter, role: 'student' } : q.filter;
	const page = await readPage(async (p) => {
		const { rows } = await sql<LearnerRow & { total: number }>`
			WITH learners AS (
				SELECT u.id, u.display_name, u.email, u.tier, u.timezone,
					(SELECT count(*)::int FROM chapter_completions c
						WHERE c.user_id = u.id AND c.chapter_id IN ${inList(q.chapterIds)}) AS completed,
					(SELECT max(a.day) FROM activity_days a WHERE a.user_id = u.id) AS last_active,
					o.tier AS team_owner_tier, o.role AS team_owner_role
				FROM users u
					LEFT JOIN team_members tm ON tm.user_id = u.id
					LEFT JOIN teams t ON t.id = tm.team_id
					LEFT JOIN users o ON o.id = t.owner_id
				WHERE ${accountCondition(filter, 'u')} ${q.teamId === undefined ? sql`` : sql`AND tm.team_id = ${q.teamId}`}
			)
			SELECT id, display_name, email, tier, timezone, completed, last_active::text AS last_active,
				team_owner_tier, team_owner_role, ${TOTAL_COLUMN} AS total
			FROM learners WHERE true ${activity}
			ORDER BY ${orderBy}
			LIMIT ${p.limit} OFFSET ${p.offset}`.execute(db);
		return rows;
	}, q.page);
	return { ...page, rows: page.rows.map((r) => ({ ...r, completed: Number(r.completed) })) };
}

export interface LearnerDetails {
	activeDays: Map<string, DayString[]>;
	frozenDays: Map<string, DayString[]>;
	/** user id -> quiz id -> best percent. */
	best: Map<string, Record<string, number>>;
}

/** Activity, freezes and best scores of the given learners, in one statement. */
export async function learnerDetails(db: Kysely<Database>, userIds: readonly string[]): Promise<LearnerDetails> {
	const details: LearnerDetails = { activeDays: new Map(), frozenDays: new Map(), best: new Map() };
	if (userIds.length === 0) return details;
	const ids = inList(userIds);
	const { rows } = await sql<{ kind: 'a' | 'f' | 'b'; user_id: string; key: string; value: number | null }>`
		SELECT 'a' AS kind, user_id, day::text AS key, NULL::int AS value FROM activity_days WHERE user_id IN ${ids}
		UNION ALL
		SELECT 'f', user_id, day::text, NULL FROM streak_freezes WHERE user_id IN ${ids}
		UNION ALL
		SELECT 'b', user_id, quiz_id, best FROM quiz_results WHERE user_id IN ${ids}
		ORDER BY 1, 2, 3`.execute(db);
	for (const row of rows) {
		if (row.kind === 'b') {
			const best = details.best.get(row.user_id) ?? {};
			best[row.key] = Number(row.value);
			details.best.set(row.user_id, best);
		} else {
			const map = row.kind === 'a' ? details.activeDays : details.frozenDays;
			const list = map.get(row.user_id) ?? [];
			list.push(row.key);
			map.set(row.user_id, list);
		}
	}
	return details;
}

/** Every learner's attempts at a quiz with their seeds, each flagged when it is that learner's first. */
export async function quizAttemptsForAnalysis(db: Kysely<Database>, quizId: string): Promise<AttemptForAnalysis[]> {
	const { rows } = await sql<{ user_id: string; first: boolean; answers: JsonValue & object; seed: number | null }>`
		SELECT qa.user_id, qa.answers, qa.seed,
			row_number() OVER (PARTITION BY qa.user_id ORDER BY qa.created_at, qa.id) = 1 AS first
		FROM quiz_attempts qa JOIN users u ON u.id = qa.user_id AND u.role = 'student'
		WHERE qa.quiz_id = ${quizId}
		ORDER BY qa.user_id, qa.created_at, qa.id`.execute(db);
	return rows.map((r) => {
		const answers: unknown = typeof r.answers === 'string' ? JSON.parse(r.answers) : r.answers;
		const isRecord = answers !== null && typeof answers === 'object' && !Array.isArray(answers);
		return {
			userId: r.user_id,
			first: r.first === true,
			answers: isRecord ? (answers as Record<string, unknown>) : {},
			seed: r.seed === null ? null : Number(r.seed),
		};
	});
}

export interface FunnelCounts {
	/** chapter id -> learners who marked it read. */
	read: Map<string, number>;
	/** quiz id -> learners who attempted / passed it. */
	attempted: Map<string, number>;
	passed: Map<string, number>;
	/** day -> learners active that day, from `since` on. */
	activePerDay: Map<DayString, number>;
	learners: number;
}

/** Completion funnel and daily active learners, in one statement. */
export async function classOverviewCounts(db: Kysely<Database>, since: DayString): Promise<FunnelCounts> {
	const { rows } = await sql<{ kind: 'r' | 'q' | 'd' | 'n'; key: string; n: number; m: number }>`
		WITH students AS (SELECT id FROM users WHERE role = 'student')
		SELECT 'r' AS kind, chapter_id AS key, count(*)::int AS n, 0 AS m
			FROM chapter_completions WHERE user_id IN (SELECT id FROM students) GROUP BY chapter_id
		UNION ALL
		SELECT 'q', quiz_id, count(*)::int, (count(*) FILTER (WHERE first_passed_at IS NOT NULL))::int
			FROM quiz_results WHERE user_id IN (SELECT id FROM students) GROUP BY quiz_id
		UNION ALL
		SELECT 'd', day::text, count(*)::int, 0
			FROM activity_days WHERE day >= ${since}::date AND user_id IN (SELECT id FROM students) GROUP BY day
		UNION ALL
		SELECT 'n', '', count(*)::int, 0 FROM students`.execute(db);
	const counts: FunnelCounts = { read: new Map(), attempted: new Map(), passed: new Map(), activePerDay: new Map(), learners: 0 };
	for (const r of rows) {
		if (r.kind === 'r') counts.read.set(r.key, Number(r.n));
		else if (r.kind === 'q') {
			counts.attempted.set(r.key, Number(r.n));
			counts.passed.set(r.key, Number(r.m));
		} else if (r.kind === 'd') counts.activePerDay.set(r.key, Number(r.n));
		else counts.learners = Number(r.n);
	}
	return counts;
}
