import { bind } from '../../../../server/api/operation.ts';
import { listSessions } from '../../../../server/operations/auth.ts';

export const prerender = false;
export const { GET, ALL } = bind({ GET: listSessions });
