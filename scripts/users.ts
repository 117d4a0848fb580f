/**
 * `npm run users -- <command>`: manage accounts from the shell.
 *   create <email> --password <pw> [--name <display name>] [--tier free|premium|pro|team] [--role student|admin] [--timezone <IANA>]
 *   set-tier <email> <tier> [--reason <text>]
 *   set-role <email> <student|admin>
 *   list [<search>]
 * Uses DATABASE_URL, or the embedded database (which must not be open in a running server).
 */
import { parseArgs } from 'node:util';
import { isValidTimeZone } from '../src/domain/dates.ts';
import { isTier, type Tier } from '../src/domain/tiers.ts';
import { hashPassword } from '../src/server/auth/passwords.ts';
import { openDatabaseFromEnv } from '../src/server/db/open-from-env.ts';
import { migrateToLatest } from '../src/server/db/migrate.ts';
import { parseEnv } from '../src/server/env.ts';
import { createUser, EmailTakenError, findUserByEmail, searchUsers, setRole, setTier } from '../src/server/repositories/users.ts';

const { positionals, values } = parseArgs({
	allowPositionals: true,
	options: {
		password: { type: 'string' },
		name: { type: 'string' },
		tier: { type: 'string' },
		role: { type: 'string' },
		timezone: { type: 'string' },
		reason: { type: 'string' },
	},
});
const [command, ...args] = positionals;

function fail(message: string): never {
	console.error(message);
	process.exit(2);
}

const usage =
	'usage: npm run users -- create <email> --password <pw> [--name N] [--tier T] [--role R] | set-tier <email> <tier> | set-role <email> <role> | list [q]';
if (!command || !['create', 'set-tier', 'set-role', 'list'].includes(command)) fail(usage);

const env = parseEnv();
const handle = await openDatabaseFromEnv(env);
try {
	await migrateToLatest(handle.db);
	const db = handle.db;
	const userByEmail = async (email: string | undefined) => {
		const user = email ? await findUserByEmail(db, email) : undefined;
		if (!user) fail(`No account with email "${email ?? ''}".`);
		return user;
	};
	if (command === 'create') {
		const email = args[0] ?? fail(usage);
		const password = values.password ?? fail('--password is required (at least 10 characters).');
		if (password.length < 10) fail('The password must be at least 10 characters.');
		const tier = values.tier ?? 'free';
		if (!isTier(tier)) fail(`Unknown tier "${tier}": use free, premium, pro or team.`);
		const role = values.role ?? 'student';
		if (role !== 'student' && role !== 'admin') fail(`Unknown role "${role}": use student or admin.`);
		const timezone = values.timezone ?? 'UTC';
		if (!isValidTimeZone(timezone)) fail(`Unknown time zone "${timezone}".`);
		try {
			const user = await createUser(db, {
				email,
				passwordHash: await hashPassword(password),
				displayName: values.name ?? email.split('@')[0] ?? email,
				timezone,
			});
			if (role === 'admin') await setRole(db, user.id, 'admin');
			if (tier !== 'free') await setTier(db, user.id, tier as Tier, 'cli', 'created from the shell');
			console.log(`Created ${user.email} (id ${user.id}, tier ${tier}, role ${role}).`);
		} catch (error) {
			if (error instanceof EmailTakenError) fail(`An account with email "${email}" already exists.`);
			throw error;
		}
	} else if (command === 'set-tier') {
		const user = await userByEmail(args[0]);
		const tier = args[1];
		if (!isTier(tier)) fail(`Unknown tier "${tier ?? ''}": use free, premium, pro or team.`);
		const change = await setTier(db, user.id, tier, 'cli', values.reason ?? null);
		console.log(change.from === change.to ? `${user.email} is already ${tier}.` : `${user.email}: ${change.from} → ${change.to}.`);
	} else if (command === 'set-role') {
		const user = await userByEmail(args[0]);
		const role = args[1];
		if (role !== 'student' && role !== 'admin') fail(`Unknown role "${role ?? ''}": use student or admin.`);
		await setRole(db, user.id, role);
		console.log(`${user.email} is now ${role}.`);
	} else {
		const users = await searchUsers(db, args[0] ?? '@', 100);
		for (const u of users) console.log(`${u.email.padEnd(32)} ${u.tier.padEnd(8)} ${u.role.padEnd(8)} ${u.display_name}`);
		if (users.length === 0) console.log('No accounts found.');
	}
} finally {
	await handle.close();
}
