/**
 * Listing accounts page by page: the one definition of which accounts a filter keeps and how a page and its
 * total are read, shared by the admin's user list (`listUsers`) and the instructor's and team owner's class
 * list (`listLearnerRows`). One statement per page: the total is a window count over the filtered rows.
 */
import { type RawBuilder, sql } from 'kysely';
import type { Role } from '../../domain/roles.ts';
import type { Tier } from '../db/schema.ts';

export interface AccountFilter {
	/** Email or display name contains it, case-insensitive (an ILIKE '%…%' the trigram indexes of migration 0015 serve). */
	query?: string;
	tier?: Tier;
	role?: Role;
}

export interface PageRequest {
	limit: number;
	offset: number;
}

export interface Page<Row> {
	rows: Row[];
	/** Rows the filter keeps, on every page. */
	total: number;
}

/** Escapes LIKE wildcards so a search for "a_b" means exactly that. */
function likePattern(query: string): string {
	return `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The filter as a condition on the users table under `alias` (`true` when it keeps every account). */
export function accountCondition(filter: AccountFilter, alias: string): RawBuilder<boolean> {
	const column = (name: string) => sql.ref(`${alias}.${name}`);
	const query = filter.query?.trim();
	const parts: RawBuilder<unknown>[] = [sql`true`];
	if (query) {
		const pattern = likePattern(query);
		parts.push(sql`(${column('email')} ILIKE ${pattern} OR ${column('display_name')} ILIKE ${pattern})`);
	}
	if (filter.tier) parts.push(sql`${column('tier')} = ${filter.tier}`);
	if (filter.role) parts.push(sql`${column('role')} = ${filter.role}`);
	return sql<boolean>`(${sql.join(parts, sql` AND `)})`;
}

/** The column each page row carries for `readPage`: the count of every row the query keeps. */
export const TOTAL_COLUMN = sql<number>`count(*) OVER ()::int`;

/**
 * Reads one page with `read` (whose rows carry TOTAL_COLUMN as `total`). A page past the end has no row to carry
 * the count, so the first row is read for it.
 */
export async function readPage<Row extends { total: number | string }>(
	read: (page: PageRequest) => Promise<Row[]>,
	page: PageRequest,
): Promise<Page<Omit<Row, 'total'>>> {
	const rows = await read(page);
	const total = rows[0]?.total ?? (page.offset > 0 ? ((await read({ offset: 0, limit: 1 }))[0]?.total ?? 0) : 0);
	return { rows: rows.map(({ total: _total, ...row }) => row), total: Number(total) };
}
