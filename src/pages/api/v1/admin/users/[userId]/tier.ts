import { bind } from '../../../../../../server/api/operation.ts';
import { upgradeTier } from '../../../../../../server/operations/tiers.ts';

export const prerender = false;
export const { POST, ALL } = bind({ POST: upgradeTier });
