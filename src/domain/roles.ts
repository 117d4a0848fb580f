/** Account roles: a student learns; an admin also manages learners and tiers. */
export const ROLES = ['student', 'admin'] as const;
export type Role = (typeof ROLES)[number];
