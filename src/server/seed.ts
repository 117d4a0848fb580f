/** Demo accounts for the embedded database (listed in the README). Safe to run twice. */
import type { Role } from '../domain/roles.ts';
import type { Kysely } from 'kysely';
import type { Tier } from '../domain/tiers.ts';
import { hashPassword } from './auth/passwords.ts';
import type { Database } from './db/schema.ts';
import { createUser, EmailTakenError, findUserByEmail, setRole, setTier } from './repositories/users.ts';

export const DEMO_PASSWORD = 'learn-with-chatgpt';

export const DEMO_ACCOUNTS: { email: string; displayName: string; tier: Tier; role: Role }[] = [
	{ email: 'free@demo.test', displayName: 'Free Learner', tier: 'free', role: 'student' },
	{ email: 'premium@demo.test', displayName: 'Premium Learner', tier: 'premium', role: 'student' },
	{ email: 'admin@demo.test', displayName: 'Course Admin', tier: 'team', role: 'admin' },
];

export async function seedDemoAccounts(db: Kysely<Database>): Promise<string[]> {
	const created: string[] = [];
	for (const account of DEMO_ACCOUNTS) {
		if (await findUserByEmail(db, account.email)) continue;
		try {
			const user = await createUser(db, {
				email: account.email,
				passwordHash: await hashPassword(DEMO_PASSWORD),
				displayName: account.displayName,
			});
			if (account.role !== 'student') await setRole(db, user.id, account.role);
			if (account.tier !== 'free') await setTier(db, user.id, account.tier, 'seed', 'demo account');
			created.push(account.email);
		} catch (error) {
			if (!(error instanceof EmailTakenError)) throw error;
		}
	}
	return created;
}
