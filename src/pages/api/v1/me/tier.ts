import { bind } from '../../../../server/api/operation.ts';
import { getUserTier } from '../../../../server/operations/tiers.ts';

export const prerender = false;
export const { GET, ALL } = bind({ GET: getUserTier });
