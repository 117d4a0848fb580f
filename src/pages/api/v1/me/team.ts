import { bind } from '../../../../server/api/operation.ts';
import { createTeam } from '../../../../server/operations/teams.ts';

export const prerender = false;
export const { POST, ALL } = bind({ POST: createTeam });
