import { bind } from '../../../server/api/operation.ts';
import { getMe, updateMe } from '../../../server/operations/auth.ts';

export const prerender = false;
export const { GET, PATCH, ALL } = bind({ GET: getMe, PATCH: updateMe });
