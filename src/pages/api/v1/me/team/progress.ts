import { bind } from '../../../../../server/api/operation.ts';
import { getTeamProgress } from '../../../../../server/operations/teams.ts';

export const prerender = false;
export const { GET, ALL } = bind({ GET: getTeamProgress });
