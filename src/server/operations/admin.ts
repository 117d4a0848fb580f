/**
 * Administrators' account operations (auth 'admin', left out of the GPT profile): create or invite a
 * learner, send a reset link, read the audit log. Tier changes and the learner search are in tiers.ts.
 */
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { z } from 'astro/zod';
import { tierSchema } from '../../content/schemas.ts';
import { sendPasswordResetLink } from '../account-email.ts';
import { ApiError, notFound } from '../api/errors.ts';
import { defineOperation } from '../api/operation.ts';
import { hashPassword } from '../auth/passwords.ts';
import { log } from '../log.ts';
import { type AuditEntry, auditLog, recordAdminAction } from '../repositories/admin.ts';
import { createUser, EmailTakenError, findUserById, setTierIn } from '../repositories/users.ts';
import { getServices } from '../services.ts';
import { displayNameSchema, emailSchema, passwordSchema } from './auth.ts';
import { describeActor, isoDateTime, userSchema, userView } from './shared.ts';
import { userIdParams } from './tiers.ts';

export const createLearner = defineOperation({
	operationId: 'createLearner',
	method: 'POST',
	path: '/api/v1/admin/users',
	summary: 'Create or invite a learner (administrators only)',
	description:
		'Creates an account with the given tier. Without a password the learner is emailed an invitation: a link to choose their password (valid seven days, usable once). With a temporary password nothing is sent; tell the learner yourself.',
	tags: ['Admin'],
	auth: 'admin',
	consequential: true,
	body: z.object({
		email: emailSchema,
		displayName: displayNameSchema,
		tier: tierSchema.default('free'),
		temporaryPassword: passwordSchema.optional().describe('Leave out to email an invitation instead.'),
	}),
	response: z.object({
		user: userSchema,
		invited: z.boolean().describe('Whether an invitation email was sent.'),
		message: z.string(),
	}),
	status: 201,
	errors: [400, 401, 403, 409],
	async handler({ body, user: admin, now }) {
		const services = await getServices();
		// Without a temporary password the account gets one nobody knows: only the invitation's link opens it.
		const password = body.temporaryPassword ?? encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(32)));
		const passwordHash = await hashPassword(password);
		let created: Awaited<ReturnType<typeof createUser>>;
		try {
			created = await services.db.transaction().execute(async (trx) => {
				const row = await createUser(trx, { email: body.email, displayName: body.displayName, passwordHash });
				await recordAdminAction(trx, { actorId: admin.id, userId: row.id, action: 'learner_created' });
				// The starting tier goes through the tier history like any other change.
				if (body.tier !== row.tier) {
					await setTierIn(trx, row.id, body.tier, `admin:${admin.id}`, 'tier chosen when the account was created');
					row.tier = body.tier;
				}
				return row;
			});
		} catch (error) {
			if (error instanceof EmailTakenError) {
				throw new ApiError(409, 'email_taken', 'An account with this email already exists. Find it with the search instead.', [
					{ in: 'body', field: 'email', message: 'is already used by an account' },
				]);
			}
			throw error;
		}
		const view = userView(created, now);
		if (body.temporaryPassword) {
			return {
				user: view,
				invited: false,
				message: `${created.display_name} (${created.email}) can now sign in with the temporary password you chose. Ask them to change it.`,
			};
		}
		try {
			await sendPasswordResetLink(services, created, now, { invite: true });
		} catch (error) {
			log.error({ err: error, userId: created.id }, 'invitation email not sent');
			return {
				user: view,
				invited: false,
				message: `The account for ${created.email} was created, but the invitation email could not be sent. Send a reset link from the learner's page once mail works again.`,
			};
		}
		return {
			user: view,
			invited: true,
			message: services.mailer.configured
				? `The account for ${created.email} was created and an invitation to choose a password was emailed to them. The link works for seven days.`
				: `The account for ${created.email} was created. Mail is not set up (SMTP_URL), so the invitation link is in the server log; it works for seven days.`,
		};
	},
});

export const sendResetLink = defineOperation({
	operationId: 'sendResetLink',
	method: 'POST',
	path: '/api/v1/admin/users/{userId}/reset-link',
	summary: 'Email a learner a password reset link (administrators only)',
	description:
		'The same link a learner gets from "forgot password": valid one hour, usable once. The learner keeps their password until they use it.',
	tags: ['Admin'],
	auth: 'admin',
	consequential: true,
	params: userIdParams,
	response: z.object({ userId: z.string(), expiresAt: isoDateTime, message: z.string() }),
	errors: [401, 403, 404, 503],
	async handler({ params, user: admin, now }) {
		const services = await getServices();
		const learner = await findUserById(services.db, params.userId);
		if (!learner) throw notFound('The learner');
		let expiresAt: Date;
		try {
			({ expiresAt } = await sendPasswordResetLink(services, learner, now));
		} catch (error) {
			log.error({ err: error, userId: learner.id }, 'reset link email not sent');
			throw new ApiError(503, 'mail_unavailable', `The reset link for ${learner.email} could not be emailed. Try again later.`);
		}
		await recordAdminAction(services.db, { actorId: admin.id, userId: learner.id, action: 'reset_link_sent' });
		return {
			userId: learner.id,
			expiresAt: expiresAt.toISOString(),
			message: services.mailer.configured
				? `A password reset link was emailed to ${learner.email}. It works for one hour.`
				: `Mail is not set up (SMTP_URL), so the reset link for ${learner.email} is in the server log. It works for one hour.`,
		};
	},
});

const personSchema = z.object({ name: z.string(), email: z.string() });

const auditEntrySchema = z.object({
	at: isoDateTime,
	action: z.enum(['tier_changed', 'learner_created', 'reset_link_sent']),
	learner: personSchema.extend({ id: z.string() }),
	by: personSchema.nullable().describe('The administrator; null for billing, the command line or a deleted account.'),
	byLabel: z.string().describe('Who did it, as the admin page shows it.'),
	from: tierSchema.nullable(),
	to: tierSchema.nullable(),
	reason: z.string().nullable(),
	summary: z.string().describe('The entry as one sentence.'),
});

function actorLabel(entry: AuditEntry): string {
	return describeActor(entry.actor, entry.actorName && entry.actorEmail ? { name: entry.actorName, email: entry.actorEmail } : null);
}

function describeEntry(entry: AuditEntry): string {
	const who = actorLabel(entry);
	const learner = `${entry.userName} (${entry.userEmail})`;
	if (entry.kind === 'learner_created') return `${who} created the account of ${learner}.`;
	if (entry.kind === 'reset_link_sent') return `${who} sent a password reset link to ${learner}.`;
	const reason = entry.reason ? ` Reason: ${entry.reason}` : '';
	return `${who} changed the tier of ${learner} from ${entry.fromTier} to ${entry.toTier}.${reason}`;
}

export const AUDIT_PAGE_SIZE = 25;

export const getAuditLog = defineOperation({
	operationId: 'getAuditLog',
	method: 'GET',
	path: '/api/v1/admin/audit',
	summary: 'The audit log: tier changes and admin actions, newest first (administrators only)',
	description:
		'Every tier change (by an administrator, billing or the command line), account created and reset link sent, with names and emails.',
	tags: ['Admin'],
	auth: 'admin',
	query: z.object({
		page: z.coerce.number().int().min(1).max(100_000).default(1),
		pageSize: z.coerce.number().int().min(1).max(100).default(AUDIT_PAGE_SIZE),
	}),
	response: z.object({
		entries: z.array(auditEntrySchema),
		page: z.number().int(),
		pageSize: z.number().int(),
		total: z.number().int(),
	}),
	errors: [400, 401, 403],
	async handler({ query }) {
		const { db } = await getServices();
		const { entries, total } = await auditLog(db, { limit: query.pageSize, offset: (query.page - 1) * query.pageSize });
		return {
			entries: entries.map((e) => ({
				at: e.at.toISOString(),
				action: e.kind,
				learner: { id: e.userId, name: e.userName, email: e.userEmail },
				by: e.actorName && e.actorEmail ? { name: e.actorName, email: e.actorEmail } : null,
				byLabel: actorLabel(e),
				from: e.fromTier,
				to: e.toTier,
				reason: e.reason,
				summary: describeEntry(e),
			})),
			page: query.page,
			pageSize: query.pageSize,
			total,
		};
	},
});
