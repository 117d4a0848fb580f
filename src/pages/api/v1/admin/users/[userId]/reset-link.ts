import { bind } from '../../../../../../server/api/operation.ts';
import { sendResetLink } from '../../../../../../server/operations/admin.ts';

export const prerender = false;
export const { POST, ALL } = bind({ POST: sendResetLink });
