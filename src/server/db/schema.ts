/**
 * The database as Kysely sees it. Row, insert and update types are derived
 * from these table interfaces (`Selectable`/`Insertable`/`Updateable`), never
 * written out a second time.
 *
 * Driver differences are normalized in `pg-types.ts`, so these types hold on
 * PGlite, `pg` and Neon alike: `date` columns are 'YYYY-MM-DD' strings, int8
 * and `count(*)` are numbers, bytea is a `Uint8Array`, timestamptz a `Date`.
 */
import type { ColumnType, Generated, GeneratedAlways, Insertable, JSONColumnType, Selectable, Updateable } from 'kysely';
import type { Tier } from '../../domain/tiers.ts';

import type { Role } from '../../domain/roles.ts';

/** Tiers are a domain concept (their order is the access ranking); defined once, in `domain/tiers.ts`. */
export { TIERS, type Tier } from '../../domain/tiers.ts';

export const SESSION_KINDS = ['browser', 'api', 'oauth'] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];

export const ACTIVITY_SOURCES = ['checkin', 'chapter', 'quiz', 'review'] as const;
export type ActivitySource = (typeof ACTIVITY_SOURCES)[number];

/** A calendar day, 'YYYY-MM-DD' (Postgres `date`, kept as a string so no time zone can shift it). */
export type DayString = string;

/** Any value `JSON.stringify` round-trips; jsonb columns are written as JSON text. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** timestamptz without a default: read as Date, written as Date or ISO string. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** timestamptz with `default now()`. */
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** Nullable timestamptz, optional on insert. */
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** `date` column, normalized to 'YYYY-MM-DD' by the factory on every driver. */
type DateColumn = ColumnType<DayString, DayString, DayString>;

export interface UsersTable {
	id: string;
	/** Stored lowercased and trimmed; unique (constraint `users_email_key`). */
	email: string;
	/** Argon2id PHC string. */
	password_hash: string;
	display_name: string;
	/** The zone the learner chose. */
	timezone: Generated<string>;
	/** The zone days are still counted in until `timezone_switch_at` (domain/time-zone-change.ts). */
	timezone_previous: string | null;
	timezone_switch_at: Date | null;
	role: Generated<Role>;
	tier: Generated<Tier>;
	created_at: DefaultTimestamp;
	updated_at: DefaultTimestamp;
	/** When a verification link (or a password reset) proved the learner reads this address; null: not yet. Never needed to sign in. */
	email_verified_at: NullableTimestamp;
}

export interface SessionsTable {
	id: string;
	user_id: string;
	/** SHA-256 of the token's secret half; the secret itself is never stored. */
	secret_hash: Uint8Array;
	kind: SessionKind;
	client_id: string | null;
	/** User agent or app name, shown in "your sessions". */
	label: string | null;
	created_at: DefaultTimestamp;
	expires_at: Timestamp;
	last_used_at: DefaultTimestamp;
}

export interface ChapterCompletionsTable {
	user_id: string;
	chapter_id: string;
	completed_at: DefaultTimestamp;
}

/** Per learner and quiz, what the learner views read of the attempts; kept by triggers on quiz_attempts (migration 0017). */
export interface QuizResultsTable {
	user_id: string;
	quiz_id: string;
	best: number;
	latest: number;
	latest_at: Date;
	latest_id: number;
	attempts: number;
	first_passed_at: Date | null;
}

export interface QuizAttemptsTable {
	id: GeneratedAlways<number>;
	user_id: string;
	quiz_id: string;
	answers: JSONColumnType<JsonValue & object>;
	score: number;
	total: number;
	percent: number;
	passed: boolean;
	/** The learner's calendar day when the attempt was made (their time zone). */
	local_date: DateColumn;
	created_at: DefaultTimestamp;
	/** The draw's seed (domain/quiz-draw.ts); null when the quiz asked every question in the author's order. */
	seed: ColumnType<number | null, number | null | undefined, never>;
}

/** A started quiz (migration 0012): the seed of the questions a learner was shown and has not yet submitted. */
export interface QuizDrawsTable {
	user_id: string;
	quiz_id: string;
	seed: number;
	created_at: DefaultTimestamp;
}

export interface ActivityDaysTable {
	user_id: string;
	day: DateColumn;
	first_source: ActivitySource;
	created_at: DefaultTimestamp;
}

/** The review queue (migration 0013, domain/review-queue.ts): one card per learner and missed question. */
export interface ReviewCardsTable {
	user_id: string;
	quiz_id: string;
	question_id: string;
	/** Leitner box, 1..5. */
	box: number;
	/** The learner's calendar day the card is due on. */
	due_day: DateColumn;
	/** Set when a right answer in the top box retired the card; null while it is in the queue. */
	retired_on: ColumnType<DayString | null, DayString | null | undefined, DayString | null>;
	/** Reviews answered, and answers wrong (in a quiz or a review), over the card's life. */
	reviews: Generated<number>;
	lapses: Generated<number>;
	created_at: DefaultTimestamp;
	updated_at: DefaultTimestamp;
}

export interface StreakFreezesTable {
	user_id: string;
	day: DateColumn;
	created_at: DefaultTimestamp;
}

export interface TierChangesTable {
	id: GeneratedAlways<number>;
	user_id: string;
	from_tier: Tier;
	to_tier: Tier;
	/** Who made the change: 'admin:<userId>', 'billing', 'cli'. */
	actor: string;
	reason: string | null;
	created_at: DefaultTimestamp;
}

export const ADMIN_ACTIONS = ['learner_created', 'reset_link_sent'] as const;
export type AdminActionKind = (typeof ADMIN_ACTIONS)[number];

/** What an administrator did to an account besides a tier change (migration 0010); tier changes stay in tier_changes. */
export interface AdminActionsTable {
	id: GeneratedAlways<number>;
	/** The administrator; null once their account is deleted. */
	actor_id: string | null;
	user_id: string;
	action: AdminActionKind;
	created_at: DefaultTimestamp;
}

/** A team (migration 0011): one owner, up to the course's `seats` accounts, the owner's included. */
export interface TeamsTable {
	id: string;
	owner_id: string;
	name: string;
	created_at: DefaultTimestamp;
}

/** Who is in which team; the owner has a row too. One team per account (primary key user_id). */
export interface TeamMembersTable {
	user_id: string;
	team_id: string;
	joined_at: DefaultTimestamp;
}

/** A single-use invitation link to a team: only SHA-256 (hex) of its token is stored. */
export interface TeamInvitesTable {
	token_hash: string;
	team_id: string;
	/** The address an emailed invitation went to; null for a link the owner copied. */
	email: string | null;
	created_at: DefaultTimestamp;
	expires_at: Timestamp;
	used_at: NullableTimestamp;
	used_by: string | null;
}

export interface OauthClientsTable {
	/** The OAuth client_id. */
	id: string;
	name: string;
	/** Null for a public client (no secret, PKCE only). */
	secret_hash: string | null;
	redirect_uris: JSONColumnType<string[]>;
	created_at: DefaultTimestamp;
	/**
	 * True when the client registered itself (RFC 7591): the cleanup deletes such a client once it is
	 * old and was never used. False for operator-registered clients and any created before migration 0004.
	 */
	dynamically_registered: Generated<boolean>;
	/** When a code, token or session was first issued for the client; null: never used. Only a trigger writes it. */
	first_used_at: ColumnType<Date | null, never, never>;
}

export interface OauthCodesTable {
	/** Hash of the authorization code; the code itself is never stored. */
	code_hash: string;
	client_id: string;
	user_id: string;
	redirect_uri: string;
	scope: string;
	code_challenge: string | null;
	code_challenge_method: string | null;
	/** RFC 8707 resource the code (and the grant it starts) is for; null when none was asked for (migration 0006). */
	resource: string | null;
	expires_at: Timestamp;
	used_at: NullableTimestamp;
}

export interface OauthRefreshTokensTable {
	/** SHA-256 (hex) of the refresh token; the token itself is never stored. */
	token_hash: string;
	/** The grant (one approval) the token belongs to: the hash of the authorization code that started it. */
	grant_id: string;
	/** The access token (API session) the refresh token renews; deleting the session deletes it. */
	session_id: string;
	client_id: string;
	scope: string;
	created_at: DefaultTimestamp;
	expires_at: Timestamp;
	/** Set when the token is exchanged (rotation); presenting it again revokes the grant. */
	used_at: NullableTimestamp;
	/** The grant's RFC 8707 resource (audience); null: unbound. Its access tokens are refused on other resources. */
	resource: string | null;
	/** After rotation: the new pair, AES-GCM-encrypted with a key derived from this token (the refresh grace window). */
	successor: string | null;
}

export interface Database {
	users: UsersTable;
	sessions: SessionsTable;
	chapter_completions: ChapterCompletionsTable;
	quiz_attempts: QuizAttemptsTable;
	/** Read only: written by the triggers of migration 0017. */
	quiz_results: QuizResultsTable;
	quiz_draws: QuizDrawsTable;
	activity_days: ActivityDaysTable;
	streak_freezes: StreakFreezesTable;
	review_cards: ReviewCardsTable;
	tier_changes: TierChangesTable;
	admin_actions: AdminActionsTable;
	oauth_clients: OauthClientsTable;
	oauth_codes: OauthCodesTable;
	oauth_refresh_tokens: OauthRefreshTokensTable;
	billing_events: BillingEventsTable;
	email_tokens: EmailTokensTable;
	billing_customers: BillingCustomersTable;
	certificates: CertificatesTable;
	teams: TeamsTable;
	team_members: TeamMembersTable;
	team_invites: TeamInvitesTable;
}

export const EMAIL_TOKEN_PURPOSES = ['password_reset', 'verify_email'] as const;
export type EmailTokenPurpose = (typeof EMAIL_TOKEN_PURPOSES)[number];

/** Links sent by email (migration 0007): single use, expiring, only a hash stored. */
export interface EmailTokensTable {
	/** SHA-256 (hex) of the token; the token itself is only in the email. */
	token_hash: string;
	user_id: string;
	purpose: EmailTokenPurpose;
	/** The address the link was sent to: the link does nothing once the account's email differs. */
	email: string;
	created_at: DefaultTimestamp;
	expires_at: Timestamp;
	used_at: NullableTimestamp;
}

/** Webhook events by the provider's id (migration 0005): dedupe and event-time ordering. */
export interface BillingEventsTable {
	id: string;
	user_id: string;
	type: string;
	tier: Tier;
	event_at: Date;
	applied: boolean;
	received_at: Generated<Date>;
}

/** A billing provider's customer and the learner it is (migration 0008): later events name only the customer. */
export interface BillingCustomersTable {
	/** 'stripe'. */
	provider: string;
	customer_id: string;
	user_id: string;
	created_at: DefaultTimestamp;
}

/** A course certificate (migration 0014): issued once, when every quiz is passed; the names are snapshots. */
export interface CertificatesTable {
	/** 128 random bits, base32: the public verification id. */
	id: string;
	user_id: string;
	course_id: string;
	/** The course's title when it was issued. */
	course_title: string;
	/** The learner's display name when it was issued. */
	learner_name: string;
	/** When the last quiz was first passed (or, when that is not known, when the certificate was issued). */
	issued_at: Timestamp;
	created_at: DefaultTimestamp;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
/** A user as the rest of the app should see it: without the password hash (and the verification date, which only the account mail reads). */
export type PublicUser = Omit<User, 'password_hash' | 'email_verified_at'>;

export type SessionRow = Selectable<SessionsTable>;
export type NewSessionRow = Insertable<SessionsTable>;

export type ChapterCompletion = Selectable<ChapterCompletionsTable>;
export type QuizAttempt = Selectable<QuizAttemptsTable>;
export type NewQuizAttempt = Insertable<QuizAttemptsTable>;
export type ActivityDay = Selectable<ActivityDaysTable>;
export type StreakFreeze = Selectable<StreakFreezesTable>;
export type ReviewCard = Selectable<ReviewCardsTable>;
export type TierChange = Selectable<TierChangesTable>;
export type OauthClient = Selectable<OauthClientsTable>;
export type NewOauthClient = Insertable<OauthClientsTable>;
export type OauthCode = Selectable<OauthCodesTable>;
export type NewOauthCode = Insertable<OauthCodesTable>;
export type OauthRefreshToken = Selectable<OauthRefreshTokensTable>;
export type Certificate = Selectable<CertificatesTable>;
