import { bind } from '../../../../../../server/api/operation.ts';
import { removeTeamMember } from '../../../../../../server/operations/teams.ts';

export const prerender = false;
export const { DELETE, ALL } = bind({ DELETE: removeTeamMember });
