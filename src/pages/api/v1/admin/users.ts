import { bind } from '../../../../server/api/operation.ts';
import { createLearner } from '../../../../server/operations/admin.ts';
import { searchUsersOp } from '../../../../server/operations/tiers.ts';

export const prerender = false;
export const { GET, POST, ALL } = bind({ GET: searchUsersOp, POST: createLearner });
