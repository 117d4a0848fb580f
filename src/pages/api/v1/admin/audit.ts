import { bind } from '../../../../server/api/operation.ts';
import { getAuditLog } from '../../../../server/operations/admin.ts';

export const prerender = false;
export const { GET, ALL } = bind({ GET: getAuditLog });
