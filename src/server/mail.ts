/**
 * Outgoing mail: nodemailer over SMTP (SMTP_URL, MAIL_FROM). Without SMTP_URL nothing is sent and the
 * message's link is written to the server log, so a developer can follow it (README "Email").
 * Sending happens after the response (`inBackground`): an answer that waited for the SMTP server
 * would take longer for an address that has an account than for one that has none.
 */
import type { Transporter } from 'nodemailer';
import type { Env } from './env.ts';
import { log } from './log.ts';

export interface MailMessage {
	to: string;
	subject: string;
	text: string;
	html: string;
	/** The link the message exists for: what the log shows when mail is not configured. */
	link: string;
}

export interface Mailer {
	/** False: SMTP_URL is not set and messages go to the log. */
	readonly configured: boolean;
	send(message: MailMessage): Promise<void>;
	/** Runs a mail job after the response; a failure is logged, never shown to the requester. */
	inBackground(what: string, job: () => Promise<void>): void;
	/** Waits (at most `timeoutMs`) for the jobs in flight, so closing the database does not cut one off mid-query. */
	settle(timeoutMs?: number): Promise<void>;
}

/**
 * Jobs in flight, kept on the mailer (which lives in Services, on globalThis) rather than in this module:
 * the server bundle can load a module twice, and a second copy would have a second, empty set.
 */
function backgroundJobs(): Pick<Mailer, 'inBackground' | 'settle'> {
	const pending = new Set<Promise<void>>();
	return {
		inBackground(what, job) {
			const run: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
				.then(job)
				.catch((error: unknown) => log.error({ err: error, what }, 'sending email failed'))
				.finally(() => pending.delete(run));
			pending.add(run);
		},
		async settle(timeoutMs = 15_000) {
			let timer: NodeJS.Timeout | undefined;
			const deadline = new Promise<void>((resolve) => {
				timer = setTimeout(resolve, timeoutMs);
				timer.unref();
			});
			const all = (async () => {
				while (pending.size > 0) await Promise.allSettled([...pending]);
			})();
			await Promise.race([all, deadline]);
			clearTimeout(timer);
		},
	};
}

export function createMailer(env: Pick<Env, 'SMTP_URL' | 'MAIL_FROM'>): Mailer {
	const { SMTP_URL: url, MAIL_FROM: from } = env;
	if (!url) {
		return {
			configured: false,
			...backgroundJobs(),
			async send(message) {
				// warn, not info: a production server without SMTP_URL should be noticed (and the link is a secret).
				log.warn(
					{ mail: { to: message.to, subject: message.subject }, link: message.link },
					'SMTP_URL is not set: email not sent, its link is here',
				);
			},
		};
	}
	// nodemailer is loaded with the first message, not at start: ≈ 5 MB of heap a server may never use (decision 0040).
	let transport: Promise<Transporter> | undefined;
	const connect = async () => {
		const { createTransport } = await import('nodemailer');
		// Short timeouts: a stuck SMTP server must not pile up pending sends.
		return createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 }, { from });
	};
	return {
		configured: true,
		...backgroundJobs(),
		async send(message) {
			// A failed load or connect is not kept: the next message tries again.
			transport ??= connect().catch((error: unknown) => {
				transport = undefined;
				throw error;
			});
			const info = await (await transport).sendMail({ to: message.to, subject: message.subject, text: message.text, html: message.html });
			log.info({ mail: { subject: message.subject, messageId: info.messageId } }, 'email sent');
		},
	};
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an HTML body. */
export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] as string);
}

/**
 * A short message with one link, as plain text and as simple HTML with the same sentences.
 * `paragraphs` are plain text; the link is shown in full as well, for clients that strip buttons.
 */
export function composeMessage(input: {
	to: string;
	subject: string;
	greeting: string;
	paragraphs: string[];
	action: string;
	link: string;
	footer: string;
}): MailMessage {
	const text = [
		input.greeting,
		'',
		...input.paragraphs.flatMap((p) => [p, '']),
		`${input.action}: ${input.link}`,
		'',
		input.footer,
		'',
	].join('\n');
	const href = escapeHtml(input.link);
	const html = [
		'<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5; max-width: 36rem">',
		`<p>${escapeHtml(input.greeting)}</p>`,
		...input.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
		`<p><a href="${href}">${escapeHtml(input.action)}</a></p>`,
		`<p style="font-size: 0.9em">Or paste this address into your browser: ${href}</p>`,
		`<p style="font-size: 0.9em; color: #555">${escapeHtml(input.footer)}</p>`,
		'</body></html>',
	].join('\n');
	return { to: input.to, subject: input.subject, text, html, link: input.link };
}
