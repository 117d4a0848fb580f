import { bind } from '../../../../server/api/operation.ts';
import { logout } from '../../../../server/operations/auth.ts';

export const prerender = false;
export const { POST, ALL } = bind({ POST: logout });
