/**
 * The lines of a tier's `includes` that state something the course file also says in a field — how many
 * chapters it opens, quiz attempts a day, streak freezes a month, seats in a team, which tier it contains — must agree
 * with that field: the paywall shows the text, the server enforces the field. Lines about anything else
 * are the author's to keep true; this check cannot judge them.
 */
import { type Tier, tierAtLeast } from '../domain/tiers.ts';
import type { TierDefinition } from './schemas.ts';

const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];

function count(word: string): number | null {
	if (/^\d+$/.test(word)) return Number(word);
	const at = NUMBER_WORDS.indexOf(word);
	return at === -1 ? null : at;
}

export interface TierClaimProblem {
	/** Index of the tier in `tiers`, and of the line in its `includes`. */
	tier: number;
	line: number;
	message: string;
	/**
	 * Chapter counts go stale as a course grows (`npm run new` adds a chapter): a warning, so the build still
	 * runs. A line contradicting the tier's own fields is an error.
	 */
	severity?: 'warning';
}

interface TierFacts {
	tier: TierDefinition;
	/** Tiers listed before this one. */
	lower: readonly TierDefinition[];
	chapters: number;
	/** Chapters the tier opens, and how many of them form the unbroken run from chapter 1. */
	opens: number;
	first: number;
}

/** A line pattern and what it must agree with: the problem, or null when the line is true. */
const RULES: { pattern: RegExp; counts?: true; check: (m: RegExpMatchArray, f: TierFacts) => string | null }[] = [
	{
		pattern: /^(\w+) quiz attempts? (?:per|a) (?:quiz (?:per|a) )?day$/,
		check: (m, { tier }) => {
			const n = count(m[1] as string);
			return n !== null && n !== tier.quiz_attempts_per_day
				? `quiz_attempts_per_day is ${tier.quiz_attempts_per_day ?? 'unset (unlimited)'}`
				: null;
		},
	},
	{
		pattern: /^unlimited quiz attempts$/,
		check: (_, { tier }) =>
			tier.quiz_attempts_per_day !== null ? `quiz_attempts_per_day is ${tier.quiz_attempts_per_day}, not unlimited` : null,
	},
	{
		pattern: /^(\w+) streak freezes? (?:a|per) month$/,
		check: (m, { tier }) => {
			const n = count(m[1] as string);
			return n !== null && n !== tier.streak_freezes_per_month ? `streak_freezes_per_month is ${tier.streak_freezes_per_month}` : null;
		},
	},
	{
		pattern: /^(\w+) seats?\b/,
		check: (m, { tier }) => {
			const n = count(m[1] as string);
			return n !== null && n !== tier.seats ? `seats is ${tier.seats ?? 'unset (this tier has no teams)'}` : null;
		},
	},
	{
		pattern: /^the first (?:(\w+) chapters|chapter)\b/,
		counts: true,
		check: (m, { first }) => {
			const n = m[1] === undefined ? 1 : count(m[1]);
			return n !== null && n !== first ? `this tier opens the first ${first} chapter${first === 1 ? '' : 's'}` : null;
		},
	},
	{
		pattern: /^all (\w+) chapters\b/,
		counts: true,
		check: (m, { chapters, opens }) => {
			const n = count(m[1] as string);
			return n !== null && (n !== chapters || opens !== chapters)
				? `the course has ${chapters} chapters and this tier opens ${opens} (write "Every chapter" to stay true as the course grows)`
				: null;
		},
	},
	{
		pattern: /^(?:every|all) chapters?\b/,
		check: (_, { chapters, opens }) => (opens !== chapters ? `this tier opens ${opens} of the ${chapters} chapters` : null),
	},
	{
		pattern: /^everything in (.+)$/,
		check: (m, { lower }) =>
			lower.some((t) => t.name.toLowerCase() === m[1])
				? null
				: `no lower tier is called "${m[1]}"; expected one of: ${lower.map((t) => t.name).join(', ') || '(none)'}`,
	},
];

/** Checks every `includes` line that names a number or a tier against the fields it restates; `chapterTiers` in reading order. */
export function checkTierClaims(tiers: readonly TierDefinition[], chapterTiers: readonly Tier[]): TierClaimProblem[] {
	const problems: TierClaimProblem[] = [];
	tiers.forEach((tier, ti) => {
		const leading = chapterTiers.findIndex((needed) => !tierAtLeast(tier.id, needed));
		const facts: TierFacts = {
			tier,
			lower: tiers.slice(0, ti),
			chapters: chapterTiers.length,
			opens: chapterTiers.filter((needed) => tierAtLeast(tier.id, needed)).length,
			first: leading === -1 ? chapterTiers.length : leading,
		};
		tier.includes.forEach((text, li) => {
			const line = text.trim().toLowerCase().replace(/\.$/, '');
			for (const rule of RULES) {
				const m = line.match(rule.pattern);
				if (!m) continue;
				const problem = rule.check(m, facts);
				if (problem)
					problems.push({ tier: ti, line: li, message: `"${text}": ${problem}`, ...(rule.counts ? { severity: 'warning' as const } : {}) });
				break;
			}
		});
	});
	return problems;
}
