import { bind } from '../../server/api/operation.ts';
import { ready } from '../../server/operations/health.ts';

export const prerender = false;
export const { GET, ALL } = bind({ GET: ready });
