import { openApiRoute } from '../server/api/openapi-route.ts';

export const prerender = false;
export const GET = openApiRoute('json');
