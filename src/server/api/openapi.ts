/**
 * Generates the OpenAPI 3.1 document from the operations' zod schemas — never written by hand.
 * It is what a GPT builder pastes into ChatGPT's Action editor, so it respects Actions' limits.
 */
import { type ZodType, z } from 'astro/zod';
import { errorBodySchema } from './errors.ts';
import type { AnyOperation } from './operation.ts';

type JsonSchema = Record<string, unknown>;

export const OAUTH_SCOPES = { course: 'Read the course and record your own progress, quiz attempts and streak.' };

const STATUS_TEXT: Record<number, string> = {
	400: 'Invalid request: the error names each invalid field.',
	401: 'Not signed in, or the token is invalid or expired.',
	403: 'Signed in, but not allowed (for example, the tier does not include this content).',
	404: 'Not found.',
	409: 'Conflict with existing data.',
	413: 'The request body is too large.',
	415: 'The body must be JSON.',
	429: 'Too many requests or attempts; see Retry-After.',
	503: 'Temporarily unavailable.',
};

class SchemaCollector {
	readonly components: Record<string, JsonSchema> = {};

	convert(schema: ZodType, io: 'input' | 'output'): JsonSchema {
		const suffix = io === 'input' ? 'Input' : '';
		const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
		delete json.$schema;
		const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
		delete json.$defs;
		for (const [id, def] of Object.entries(defs)) this.components[`${id}${suffix}`] = tidy(def, suffix);
		return tidy(json, suffix);
	}
}

/** Rewrites local $refs to components and drops zod's ±2^53 integer bounds (noise in a contract). */
function tidy(value: JsonSchema, suffix: string): JsonSchema {
	return JSON.parse(JSON.stringify(value), (key, v) => {
		if (key === '$ref' && typeof v === 'string') return v.replace(/^#\/\$defs\/(.+)$/, `#/components/schemas/$1${suffix}`);
		if (v && typeof v === 'object' && !Array.isArray(v)) {
			if (v.minimum === -Number.MAX_SAFE_INTEGER) delete v.minimum;
			if (v.maximum === Number.MAX_SAFE_INTEGER) delete v.maximum;
		}
		return v;
	});
}

function parameters(collector: SchemaCollector, schema: z.ZodObject | undefined, location: 'path' | 'query') {
	if (!schema) return [];
	const json = collector.convert(schema, 'input');
	const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
	const required = new Set((json.required ?? []) as string[]);
	return Object.entries(properties).map(([name, prop]) => {
		const { description, ...rest } = prop;
		return {
			name,
			in: location,
			required: location === 'path' || required.has(name),
			...(description ? { description } : {}),
			schema: rest,
		};
	});
}

/**
 * Operations a custom GPT should not see besides the administrators' ones: passwords travel only through
 * our own forms, and session, billing and operational endpoints are not a tutor's business.
 */
export const NOT_FOR_GPT = new Set([
	'register',
	'login',
	'logout',
	'changePassword',
	'listSessions',
	'revokeSession',
	'requestPasswordReset',
	'resetPassword',
	'billingWebhook',
	// Team management stays on the site (/team, /join): invitation links are secrets, removals are the owner's.
	'createTeam',
	'createTeamInvite',
	'joinTeam',
	'removeTeamMember',
	'health',
	'ready',
]);

/** The GPT profile (`?profile=gpt`): no administrator operation, none of NOT_FOR_GPT; the setup guide lists exactly these. */
export function gptOperations(allOperations: AnyOperation[]): AnyOperation[] {
	return allOperations.filter((op) => op.auth !== 'admin' && !NOT_FOR_GPT.has(op.operationId));
}

export type DocumentProfile = 'full' | 'gpt';

/** What the document says about the course it serves (from the built course's manifest). */
export interface CourseIdentity {
	title: string;
}

export function buildOpenApiDocument(
	allOperations: AnyOperation[],
	origin: string,
	profile: DocumentProfile = 'full',
	course: CourseIdentity = { title: 'this course' },
) {
	const operations = profile === 'gpt' ? gptOperations(allOperations) : allOperations;
	const bearer = profile === 'gpt' ? [] : [{ bearerAuth: [] }];
	const collector = new SchemaCollector();
	const errorRef = { $ref: '#/components/schemas/Error' };
	collector.convert(errorBodySchema, 'output');
	const paths: Record<string, Record<string, unknown>> = {};
	for (const op of operations) {
		const security =
			op.auth === 'public' ? [] : op.auth === 'optional' ? [{ oauth2: ['course'] }, ...bearer, {}] : [{ oauth2: ['course'] }, ...bearer];
		const status = String(op.status ?? 200);
		const responses: Record<string, unknown> = {
			[status]: {
				description: 'Success.',
				content: { [op.mediaType ?? 'application/json']: { schema: collector.convert(op.response, 'output') } },
			},
		};
		// Every dynamic API operation counts against the request limit (src/middleware.ts), so any may answer 429.
		const limited = !op.static && op.path.startsWith('/api/v1/');
		for (const code of new Set([...(op.errors ?? []), ...(limited ? [429] : [])])) {
			responses[String(code)] = { description: STATUS_TEXT[code] ?? 'Error.', content: { 'application/json': { schema: errorRef } } };
		}
		const operation: Record<string, unknown> = {
			operationId: op.operationId,
			summary: op.summary,
			description: op.description,
			tags: op.tags,
			security,
			parameters: [...parameters(collector, op.params, 'path'), ...parameters(collector, op.query, 'query')],
			responses,
		};
		if (op.body) {
			operation.requestBody = { required: true, content: { 'application/json': { schema: collector.convert(op.body, 'input') } } };
		}
		if (op.method !== 'GET') operation['x-openai-isConsequential'] = op.consequential ?? true;
		paths[op.path] ??= {};
		(paths[op.path] as Record<string, unknown>)[op.method.toLowerCase()] = operation;
	}
	return {
		openapi: '3.1.0',
		info: {
			title: `${course.title} API`,
			version: '1.0.0',
			description: `The "${course.title}" course for ChatGPT: read chapters, search the course, take quizzes and track progress and streaks. Every answer is deterministic; the tutor explains, the API supplies course text and facts.`,
		},
		servers: [{ url: origin }],
		paths,
		components: {
			schemas: collector.components,
			securitySchemes: {
				oauth2: {
					type: 'oauth2',
					description: 'Per-learner sign-in: the learner logs in with their course account and approves access.',
					flows: {
						authorizationCode: {
							authorizationUrl: `${origin}/oauth/authorize`,
							tokenUrl: `${origin}/oauth/token`,
							refreshUrl: `${origin}/oauth/token`,
							scopes: OAUTH_SCOPES,
						},
					},
				},
				...(profile === 'gpt'
					? {}
					: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'A session token from login with session "bearer".' } }),
			},
		},
	};
}
