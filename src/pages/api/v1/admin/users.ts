import { bind } from '../../../../server/api/operation.ts';
import { searchUsersOp } from '../../../../server/operations/tiers.ts';

export const prerender = false;
export const { GET, ALL } = bind({ GET: searchUsersOp });
