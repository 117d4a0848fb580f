/** The mail configuration and the message shape: what SMTP_URL/MAIL_FROM accept, and bodies that cannot be turned into markup. */
import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '../../../src/server/env.ts';
import { composeMessage, createMailer } from '../../../src/server/mail.ts';

describe('SMTP_URL and MAIL_FROM', () => {
	it('accepts smtp:// and smtps:// with a From, and no mail at all', () => {
		expect(parseEnv({}).SMTP_URL).toBeUndefined();
		expect(parseEnv({ SMTP_URL: '' }).SMTP_URL).toBeUndefined();
		const env = parseEnv({ SMTP_URL: 'smtps://user:secret@smtp.example.com:465', MAIL_FROM: '"Course" <no-reply@course.example>' });
		expect(env.SMTP_URL).toBe('smtps://user:secret@smtp.example.com:465');
		expect(env.MAIL_FROM).toBe('"Course" <no-reply@course.example>');
		expect(env.PASSWORD_RESET_LIMIT_PER_HOUR).toBe(5);
		expect(createMailer(env).configured).toBe(true);
		expect(createMailer(parseEnv({})).configured).toBe(false);
	});

	it('refuses another scheme, and SMTP_URL without MAIL_FROM, naming both problems at once', () => {
		expect(() => parseEnv({ SMTP_URL: 'http://smtp.example.com' })).toThrow(EnvError);
		expect(() => parseEnv({ SMTP_URL: 'https://smtp.example.com' })).toThrow(
			/SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL\n {2}- MAIL_FROM: is required when SMTP_URL is set/,
		);
		expect(() => parseEnv({ SMTP_URL: 'smtp://localhost:1025' })).toThrow(/MAIL_FROM: is required when SMTP_URL is set/);
	});
});

describe('composeMessage', () => {
	const message = composeMessage({
		to: 'ada@example.test',
		subject: 'Reset your password for <Course> & more',
		greeting: 'Hello <script>alert(1)</script>,',
		paragraphs: ['First "quoted" sentence.', "Second & last's."],
		action: 'Choose a new password',
		link: 'https://course.example/reset-password?token=abc&x=1',
		footer: 'Ignore it if you did not ask.',
	});

	it('puts every sentence and the full link in the plain-text body', () => {
		expect(message.text).toContain('Hello <script>alert(1)</script>,');
		expect(message.text).toContain('First "quoted" sentence.');
		expect(message.text).toContain('Choose a new password: https://course.example/reset-password?token=abc&x=1');
		expect(message.link).toBe('https://course.example/reset-password?token=abc&x=1');
	});

	it('escapes everything in the HTML body, the link included', () => {
		expect(message.html).not.toContain('<script>');
		expect(message.html).toContain('Hello &lt;script&gt;alert(1)&lt;/script&gt;,');
		expect(message.html).toContain('First &quot;quoted&quot; sentence.');
		expect(message.html).toContain('Second &amp; last&#39;s.');
		expect(message.html).toContain('<a href="https://course.example/reset-password?token=abc&amp;x=1">Choose a new password</a>');
	});
});
