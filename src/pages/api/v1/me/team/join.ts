import { bind } from '../../../../../server/api/operation.ts';
import { joinTeam } from '../../../../../server/operations/teams.ts';

export const prerender = false;
export const { POST, ALL } = bind({ POST: joinTeam });
