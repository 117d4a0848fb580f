/**
 * Response conformance: checks a real response against the OpenAPI document the server publishes.
 * A status the operation does not document, a path or method the document does not list, or a
 * body that does not match the documented schema is a violation — the document is the contract
 * ChatGPT reads, so a response that strays from it is a bug in the document or in the handler.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { Client } from './server.ts';

type JsonSchema = Record<string, unknown>;

interface MediaType {
	schema?: JsonSchema;
}
interface ResponseObject {
	description?: string;
	content?: Record<string, MediaType>;
}
interface OperationObject {
	operationId?: string;
	responses?: Record<string, ResponseObject>;
}

/** The parts of an OpenAPI 3.1 document this helper reads. */
export interface OpenApiDocument {
	paths: Record<string, Record<string, OperationObject>>;
	components?: { schemas?: Record<string, JsonSchema> };
}

export interface ConformanceResult {
	ok: boolean;
	operationId: string | null;
	/** Empty when ok; otherwise one line per problem. */
	problems: string[];
}

const COMPONENTS_ID = 'urn:course-companion:openapi-components';

/** `#/components/schemas/X` → a ref into the components schema registered under COMPONENTS_ID. */
function rewriteRefs<T>(value: T): T {
	return JSON.parse(JSON.stringify(value), (key, v) =>
		key === '$ref' && typeof v === 'string' ? v.replace(/^#\/components\/schemas\//, `${COMPONENTS_ID}#/$defs/`) : v,
	);
}

/** Literal characters in a path template: the most literal template wins (`/x/{id}.json` over `/x/{id}`). */
function literalLength(template: string): number {
	return template.replace(/\{[^}]+\}/g, '').length;
}

function templateRegex(template: string): RegExp {
	const escaped = template
		.split(/(\{[^}]+\})/)
		.map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
		.join('');
	return new RegExp(`^${escaped}$`);
}

export class Conformance {
	readonly doc: OpenApiDocument;
	private readonly ajv: Ajv2020;
	private readonly templates: { template: string; regex: RegExp }[];
	private readonly validators = new Map<string, ValidateFunction>();
	/** Responses checked so far (a suite can assert that its responses really were checked). */
	checked = 0;

	constructor(doc: OpenApiDocument) {
		this.doc = doc;
		// strict: false — OpenAPI schemas may carry annotations (e.g. `example`) that are not JSON Schema keywords.
		this.ajv = new Ajv2020({ strict: false, allErrors: true });
		addFormats(this.ajv);
		this.ajv.addSchema({ $id: COMPONENTS_ID, $defs: rewriteRefs(doc.components?.schemas ?? {}) });
		this.templates = Object.keys(doc.paths)
			.map((template) => ({ template, regex: templateRegex(template) }))
			.sort((a, b) => literalLength(b.template) - literalLength(a.template));
	}

	/** The documented path template a concrete path belongs to, e.g. `/api/v1/quizzes/{id}` for `/api/v1/quizzes/tool-use`. */
	templateFor(pathname: string): string | null {
		const path = pathname.split('?')[0] ?? pathname;
		return this.templates.find((t) => t.regex.test(path))?.template ?? null;
	}

	/**
	 * Checks one response. `path` may be a concrete path (with or without a query string) or a template.
	 * `contentType` is the response's Content-Type header; `body` its parsed JSON (undefined when not JSON).
	 */
	check(method: string, path: string, status: number, body: unknown, contentType: string | null): ConformanceResult {
		this.checked++;
		const template = path in this.doc.paths ? path : this.templateFor(path);
		const where = `${method.toUpperCase()} ${path} → ${status}`;
		if (!template) return { ok: false, operationId: null, problems: [`${where}: the document has no path matching ${path}`] };
		const operation = this.doc.paths[template]?.[method.toLowerCase()];
		if (!operation) return { ok: false, operationId: null, problems: [`${where}: ${template} documents no ${method.toUpperCase()}`] };
		const operationId = operation.operationId ?? null;
		const response =
			operation.responses?.[String(status)] ?? operation.responses?.[`${String(status)[0]}XX`] ?? operation.responses?.default;
		if (!response) {
			const documented = Object.keys(operation.responses ?? {}).join(', ');
			return {
				ok: false,
				operationId,
				problems: [`${where}: status ${status} is not documented for ${operationId} (documented: ${documented})`],
			};
		}
		const media = response.content?.['application/json'];
		if (!media?.schema) return { ok: true, operationId, problems: [] };
		if (!contentType || !/^application\/json\b/i.test(contentType)) {
			return {
				ok: false,
				operationId,
				problems: [`${where}: documented as application/json but Content-Type is ${contentType ?? 'absent'}`],
			};
		}
		const validate = this.validator(`${template} ${method.toLowerCase()} ${status}`, media.schema);
		if (validate(body)) return { ok: true, operationId, problems: [] };
		return { ok: false, operationId, problems: (validate.errors ?? []).map((e) => `${where} (${operationId}): ${explain(e)}`) };
	}

	private validator(key: string, schema: JsonSchema): ValidateFunction {
		let validate = this.validators.get(key);
		if (!validate) {
			validate = this.ajv.compile(rewriteRefs(schema));
			this.validators.set(key, validate);
		}
		return validate;
	}
}

function explain(error: ErrorObject): string {
	const at = error.instancePath || '(body)';
	const extra = error.keyword === 'additionalProperties' ? ` "${(error.params as { additionalProperty: string }).additionalProperty}"` : '';
	return `${at} ${error.message ?? error.keyword}${extra}`;
}

/**
 * A Client whose every response is checked against the document; a violation throws, so the test
 * that received the response fails with the reason.
 */
export class ConformingClient extends Client {
	readonly conformance: Conformance;
	constructor(base: string, conformance: Conformance) {
		super(base);
		this.conformance = conformance;
	}

	override async request(method: string, pathname: string, body?: unknown, headers: Record<string, string> = {}) {
		const res = await super.request(method, pathname, body, headers);
		const result = this.conformance.check(method, pathname, res.status, res.json, res.headers.get('content-type'));
		if (!result.ok)
			throw new Error(`Response does not conform to /openapi.json:\n  ${result.problems.join('\n  ')}\n  body: ${res.text.slice(0, 500)}`);
		return res;
	}
}
