/** Forgotten passwords: ask for a reset link by email, then set a new password with it. */
import { z } from 'astro/zod';
import {
	RESET_LINK_PROBLEMS,
	RESET_REQUESTED,
	requestPasswordReset as sendResetIfAccount,
	resetPasswordWithToken,
} from '../account-email.ts';
import { ApiError } from '../api/errors.ts';
import { defineOperation } from '../api/operation.ts';
import { checkEmailToken, type EmailTokenProblem } from '../auth/email-tokens.ts';
import { hashPassword } from '../auth/passwords.ts';
import { consumeOrThrow } from '../rate-limit.ts';
import { normalizeEmail } from '../repositories/users.ts';
import { getServices } from '../services.ts';
import { emailSchema, passwordSchema } from './auth.ts';

export const requestPasswordReset = defineOperation({
	operationId: 'requestPasswordReset',
	method: 'POST',
	path: '/api/v1/auth/forgot-password',
	summary: 'Email a password reset link',
	description:
		'Sends a link to choose a new password (valid one hour, usable once) to the email, if an account uses it. The answer is the same either way.',
	tags: ['Account'],
	auth: 'public',
	oauth: false,
	body: z.object({ email: emailSchema }),
	response: z.object({ ok: z.literal(true), message: z.string() }),
	status: 202,
	errors: [400, 403, 429],
	async handler({ body, clientIp, now }) {
		const services = await getServices();
		const { limits } = services;
		// Counted for every email, known or not: a refusal says nothing about whether an account exists.
		await consumeOrThrow(limits.passwordResetAddresses, clientIp, 'password reset requests from this address');
		await consumeOrThrow(limits.passwordResetEmails, normalizeEmail(body.email), 'password reset requests for this email');
		sendResetIfAccount(services, body.email, now);
		return { ok: true as const, message: RESET_REQUESTED };
	},
});

export const resetPassword = defineOperation({
	operationId: 'resetPassword',
	method: 'POST',
	path: '/api/v1/auth/reset-password',
	summary: 'Set a new password with a reset link',
	description:
		'Takes the token from a password reset link and a new password. The link works once; every session and connected app of the account is signed out.',
	tags: ['Account'],
	auth: 'public',
	oauth: false,
	body: z.object({ token: z.string().min(1).max(100), newPassword: passwordSchema }),
	response: z.object({ ok: z.literal(true), message: z.string() }),
	errors: [400, 403],
	async handler({ body, now }) {
		const { db } = await getServices();
		// Checked before hashing, so random tokens cost no password work; used up inside the reset's transaction.
		const usable = await checkEmailToken(db, body.token, 'password_reset', now);
		if (!usable.ok) throw linkRefused(usable.problem);
		const result = await resetPasswordWithToken(db, { token: body.token, passwordHash: await hashPassword(body.newPassword), now });
		if (!result.ok) throw linkRefused(result.problem);
		return {
			ok: true as const,
			message: 'Your password has been changed. Every session and connected app was signed out: sign in with your new password.',
		};
	},
});

function linkRefused(problem: EmailTokenProblem): ApiError {
	const message = RESET_LINK_PROBLEMS[problem];
	return new ApiError(400, `reset_link_${problem}`, message, [{ in: 'body', field: 'token', message }]);
}
