import { bind } from '../../../../../server/api/operation.ts';
import { revokeSession } from '../../../../../server/operations/auth.ts';

export const prerender = false;
export const { DELETE, ALL } = bind({ DELETE: revokeSession });
