/**
 * A real SMTP server for the mail suites (the `smtp-server` package) on a free loopback port: every
 * message the app sends is parsed (`mailparser`) and kept, with the envelope it came in.
 */
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { expect } from 'vitest';

export interface ReceivedMail {
	/** Envelope recipients (RCPT TO), lowercased. */
	to: string[];
	from: string;
	parsed: ParsedMail;
}

export interface TestSmtpServer {
	url: string;
	messages: ReceivedMail[];
	/** The first message (counting from `after`) that matches, waiting for it up to `timeoutMs`. */
	waitFor(match: (mail: ReceivedMail) => boolean, options?: { timeoutMs?: number; after?: number }): Promise<ReceivedMail>;
	stop(): Promise<void>;
}

export async function startSmtpServer(): Promise<TestSmtpServer> {
	const messages: ReceivedMail[] = [];
	const waiters = new Set<() => void>();
	const server = new SMTPServer({
		// Plain SMTP on loopback, as a development relay would be: no TLS upgrade, no login.
		disabledCommands: ['AUTH', 'STARTTLS'],
		authOptional: true,
		logger: false,
		onData(stream, session, callback) {
			simpleParser(stream)
				.then((parsed) => {
					messages.push({
						to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
						from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
						parsed,
					});
					for (const wake of waiters) wake();
					callback();
				})
				.catch(callback);
		},
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const { port } = server.server.address() as AddressInfo;
	return {
		url: `smtp://127.0.0.1:${port}`,
		messages,
		waitFor(match, { timeoutMs = 15_000, after = 0 } = {}) {
			return new Promise((resolve, reject) => {
				const check = () => {
					const found = messages.slice(after).find(match);
					if (!found) return false;
					clearTimeout(timer);
					waiters.delete(check);
					resolve(found);
					return true;
				};
				const timer = setTimeout(() => {
					waiters.delete(check);
					reject(new Error(`no matching email within ${timeoutMs} ms; received: ${messages.map((m) => m.parsed.subject).join(' | ')}`));
				}, timeoutMs);
				if (!check()) waiters.add(check);
			});
		},
		stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

/** The one link of a message, from its plain-text body; the HTML body must carry the same link. */
export function linkIn(mail: ReceivedMail, pathname: string): URL {
	const text = mail.parsed.text ?? '';
	const found = text.match(/https?:\/\/\S+/g)?.map((u) => new URL(u)) ?? [];
	const link = found.find((u) => u.pathname === pathname);
	if (!link) throw new Error(`no ${pathname} link in:\n${text}`);
	expect(typeof mail.parsed.html === 'string' && mail.parsed.html.includes(link.toString().replaceAll('&', '&amp;'))).toBe(true);
	return link;
}
