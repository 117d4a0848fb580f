import { bind } from '../../../../../server/api/operation.ts';
import { createTeamInvite } from '../../../../../server/operations/teams.ts';

export const prerender = false;
export const { POST, ALL } = bind({ POST: createTeamInvite });
