/**
 * The account's email links: password reset and (optional) email verification. Each link carries a
 * single-use token (auth/email-tokens.ts); the messages name the course and link to PUBLIC_ORIGIN.
 * docs/decisions/0012-password-reset-and-email.md says why it works this way.
 */
import type { Kysely } from 'kysely';
import {
	type EmailTokenCheck,
	type EmailTokenProblem,
	consumeEmailToken,
	expireEmailTokens,
	INVITE_LIFETIME_MS,
	issueEmailToken,
} from './auth/email-tokens.ts';
import { invalidateUserSessions } from './auth/sessions.ts';
import type { Database } from './db/schema.ts';
import { composeMessage } from './mail.ts';
import { revokeUserGrants } from './oauth/tokens.ts';
import { findUserByEmail, markEmailVerified, setPassword } from './repositories/users.ts';
import type { Services } from './services.ts';

/** The answer to every reset request, whether an account uses the email or not. */
export const RESET_REQUESTED =
	'If an account uses this email, we have sent it a link to choose a new password. The link works for one hour; check your spam folder if it does not arrive.';

export const RESET_LINK_PROBLEMS: Record<EmailTokenProblem, string> = {
	invalid: 'This password reset link is not valid. Ask for a new one.',
	expired: 'This link has expired: a password reset link works for one hour, an invitation for seven days. Ask for a new one.',
	used: 'This password reset link has already been used. Ask for a new one if you still need to reset your password.',
};

export const VERIFY_LINK_PROBLEMS: Record<EmailTokenProblem, string> = {
	invalid: 'This verification link is not valid.',
	expired: 'This verification link has expired.',
	used: 'This verification link has already been used: your email address is confirmed.',
};

type Recipient = { id: string; email: string; display_name: string };

/** The course's title for subjects ("Reset your password for …"); the site's name if the content cannot be read. */
async function courseTitle(services: Services): Promise<string> {
	try {
		return (await services.content.manifest()).course.title;
	} catch {
		return new URL(services.env.PUBLIC_ORIGIN).host;
	}
}

function linkTo(services: Services, pathname: string, token: string): string {
	const url = new URL(pathname, new URL(services.env.PUBLIC_ORIGIN).origin);
	url.searchParams.set('token', token);
	return url.toString();
}

/**
 * Issues a one-hour reset link for the account and emails it (or logs it when mail is not configured).
 * The one way a reset link is made: a learner's request, an administrator's "send a reset link" and an
 * administrator's invitation alike. An invitation is a reset link for a new account that has no usable
 * password yet: the same token and page, with a welcome in the wording and a week to open it.
 */
export async function sendPasswordResetLink(
	services: Services,
	user: Recipient,
	now: Date,
	options: { invite?: boolean } = {},
): Promise<{ expiresAt: Date }> {
	const { token, expiresAt } = await issueEmailToken(services.db, {
		userId: user.id,
		email: user.email,
		purpose: 'password_reset',
		now,
		lifetimeMs: options.invite ? INVITE_LIFETIME_MS : undefined,
	});
	const title = await courseTitle(services);
	const link = linkTo(services, '/reset-password', token);
	await services.mailer.send(
		options.invite
			? composeMessage({
					to: user.email,
					subject: `You are invited to ${title}`,
					greeting: `Hello ${user.display_name},`,
					paragraphs: [
						`An administrator of ${title} has made an account for you with this email address. To start, choose your password: open the link below within seven days. It works once.`,
						'Then sign in with this email address and the password you chose.',
					],
					action: 'Choose my password',
					link,
					footer: 'If you did not expect this invitation, ignore this email: nobody can sign in to the account until a password is chosen.',
				})
			: composeMessage({
					to: user.email,
					subject: `Reset your password for ${title}`,
					greeting: `Hello ${user.display_name},`,
					paragraphs: [
						`Someone asked to reset the password of your account on ${title}. To choose a new password, open the link below within one hour. It works once.`,
						'Resetting your password signs you out everywhere, including apps such as ChatGPT that you connected to your account.',
					],
					action: 'Choose a new password',
					link,
					footer: 'If you did not ask for this, ignore this email: your password stays as it is.',
				}),
	);
	return { expiresAt };
}

/**
 * A learner's "forgot password": looks the email up and sends the link after the response, so the answer
 * and its timing are the same whether or not an account uses the email. The caller applies the limits.
 */
export function requestPasswordReset(services: Services, email: string, now: Date): void {
	services.mailer.inBackground('password reset', async () => {
		const user = await findUserByEmail(services.db, email);
		if (user) await sendPasswordResetLink(services, user, now);
	});
}

/**
 * Sets the new password with a reset link, in one transaction: uses the link up, stores the hash, ends
 * every other reset link, signs the account out everywhere (sessions, OAuth grants and pending codes),
 * and marks the email verified (the link proved the learner reads it).
 */
export async function resetPasswordWithToken(
	db: Kysely<Database>,
	input: { token: string; passwordHash: string; now: Date },
): Promise<EmailTokenCheck> {
	return db.transaction().execute(async (trx) => {
		const check = await consumeEmailToken(trx, input.token, 'password_reset', input.now);
		if (!check.ok) return check;
		await setPassword(trx, check.userId, input.passwordHash);
		await markEmailVerified(trx, check.userId, input.now);
		await expireEmailTokens(trx, check.userId, 'password_reset', input.now);
		await revokeUserGrants(trx, check.userId);
		await invalidateUserSessions(trx, check.userId);
		return check;
	});
}

/** Sends a verification link after registration; only when mail is configured (verification is optional). */
export function sendVerificationEmail(services: Services, user: Recipient, now: Date): void {
	if (!services.mailer.configured) return;
	services.mailer.inBackground('email verification', async () => {
		const { token } = await issueEmailToken(services.db, { userId: user.id, email: user.email, purpose: 'verify_email', now });
		const title = await courseTitle(services);
		await services.mailer.send(
			composeMessage({
				to: user.email,
				subject: `Confirm your email address for ${title}`,
				greeting: `Hello ${user.display_name},`,
				paragraphs: [
					`Welcome to ${title}. Please confirm that this is your email address, so that we can help you if you ever forget your password.`,
					'You can already use your account; confirming is optional.',
				],
				action: 'Confirm my email address',
				link: linkTo(services, '/verify-email', token),
				footer: 'If you did not create this account, ignore this email.',
			}),
		);
	});
}

/** A verification link: marks the account's email verified (once). */
export async function verifyEmailWithToken(db: Kysely<Database>, token: string, now: Date): Promise<EmailTokenCheck> {
	return db.transaction().execute(async (trx) => {
		const check = await consumeEmailToken(trx, token, 'verify_email', now);
		if (check.ok) await markEmailVerified(trx, check.userId, now);
		return check;
	});
}

/**
 * A team invitation by email: the owner's name, the team's and the link (single use, seven days). Sent after
 * the response, like every mail here; without SMTP_URL the link goes to the server log.
 */
export function sendTeamInviteEmail(
	services: Services,
	input: { to: string; teamName: string; ownerName: string; tierName: string; token: string },
): void {
	services.mailer.inBackground('team invitation', async () => {
		const title = await courseTitle(services);
		await services.mailer.send(
			composeMessage({
				to: input.to,
				subject: `${input.ownerName} invites you to the team ${input.teamName} on ${title}`,
				greeting: 'Hello,',
				paragraphs: [
					`${input.ownerName} invites you to join the team ${input.teamName} on ${title}. Its members have the ${input.tierName} plan while they are members.`,
					'Open the link below within seven days, sign in or create an account, then choose Join. The link works once.',
				],
				action: 'Join the team',
				link: linkTo(services, '/join', input.token),
				footer: 'If you do not know who sent this, ignore this email: nothing happens unless you open the link and join.',
			}),
		);
	});
}

/** The address of a team invitation (the owner copies it, or it is emailed). */
export function teamInviteLink(services: Services, token: string): string {
	return linkTo(services, '/join', token);
}
