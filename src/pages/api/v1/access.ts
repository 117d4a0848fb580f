import { bind } from '../../../server/api/operation.ts';
import { checkAccessOp } from '../../../server/operations/content.ts';

export const prerender = false;
export const { GET, ALL } = bind({ GET: checkAccessOp });
