/** Course certificates (migration 0014): issued once per learner and course, found by their public id. */
import { randomBytes } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import type { Kysely } from 'kysely';
import type { Certificate, Database } from '../db/schema.ts';

/** 128 random bits in lowercase base32 (26 characters): unguessable, safe in a URL, easy to read aloud. */
export function newCertificateId(): string {
	return encodeBase32LowerCaseNoPadding(randomBytes(16));
}

/** The shape of an id newCertificateId makes: anything else is unknown without asking the database. */
export const CERTIFICATE_ID = /^[a-z2-7]{26}$/;

export interface IssueInput {
	userId: string;
	courseId: string;
	courseTitle: string;
	learnerName: string;
	issuedAt: Date;
}

/**
 * Issues the learner's certificate for the course, or returns the one already issued: concurrent calls insert
 * one row (the unique user and course), and the loser reads the winner's. Two statements only in that race.
 */
export async function issueCertificate(db: Kysely<Database>, input: IssueInput): Promise<Certificate> {
	const inserted = await db
		.insertInto('certificates')
		.values({
			id: newCertificateId(),
			user_id: input.userId,
			course_id: input.courseId,
			course_title: input.courseTitle,
			learner_name: input.learnerName,
			issued_at: input.issuedAt,
		})
		.onConflict((oc) => oc.columns(['user_id', 'course_id']).doNothing())
		.returningAll()
		.executeTakeFirst();
	if (inserted) return inserted;
	return db
		.selectFrom('certificates')
		.selectAll()
		.where('user_id', '=', input.userId)
		.where('course_id', '=', input.courseId)
		.executeTakeFirstOrThrow();
}

export async function findCertificate(db: Kysely<Database>, id: string): Promise<Certificate | undefined> {
	if (!CERTIFICATE_ID.test(id)) return undefined;
	return db.selectFrom('certificates').selectAll().where('id', '=', id).executeTakeFirst();
}
