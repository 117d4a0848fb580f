/**
 * The public files of the build (dist/client) as the production server (scripts/serve.ts) answers them:
 * small text files from memory, the rest (and Range requests) with sirv. Both label a file with the one
 * cache and content-type policy (src/publish/headers.ts) by the file's own path, as the CDN does.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import sirv from 'sirv';
import { cacheControlFor, contentTypeFor } from '../../publish/headers.ts';
import { pathWithoutQuery } from './request-target.ts';

/** Extensions of the text files kept in memory; other types stay with sirv. */
const MEMORY_EXTENSIONS = new Set(['html', 'htm', 'css', 'js', 'mjs', 'json', 'map', 'svg', 'txt', 'xml', 'webmanifest']);

/**
 * A file sirv would find: its path (`/api/v1/course.json`) and where it is. `memory` is decided on its first
 * request: its bytes and validators when small enough to keep, null when sirv answers it.
 */
interface PublicFile {
	key: string;
	abs: string;
	memory?: MemoryFile | null;
}

interface MemoryFile {
	body: Buffer;
	lastModified: string;
	etag: string;
}

/** A file from memory as one request path asks for it: the body and both answers' header lists, built once. */
interface MemoryAnswer {
	body: Buffer;
	etag: string;
	/** Flat `[name, value, …]` for `writeHead`, the request id's value last (filled per request). */
	ok: string[];
	notModified: string[];
}

/** Cache-Control, Content-Type and, for JSON, CORS: what the CDN sends with the object at this path. */
function policyHeaders(key: string): [string, string][] {
	const objectKey = key.replace(/^\/+/, '');
	const headers: [string, string][] = [
		['Cache-Control', cacheControlFor(objectKey, 'public')],
		['Content-Type', contentTypeFor(objectKey)],
	];
	if (key.endsWith('.json')) headers.push(['Access-Control-Allow-Origin', '*']);
	return headers;
}

/** Percent-decoded as sirv decodes a path (a malformed one is looked up as it is). */
function decodedPath(raw: string): string {
	const pathname = pathWithoutQuery(raw);
	if (!pathname.includes('%')) return pathname;
	try {
		return decodeURI(pathname);
	} catch {
		return pathname;
	}
}

/**
 * sirv opens, reads and closes the file for every request, which was ~75% of a static request's CPU
 * (docs/benchmarks.md), so files up to `maxFile` (`maxTotal` in all) are answered from memory: same lookup
 * order as sirv (`/x`, `/x/index`, then `.html`, `.htm`), same ETag and 304. Each request path that finds
 * one gets its whole header list once (decision 0033): a hit is a map lookup and one `writeHead` with a ready
 * array, no `setHeader`, security headers included. Only the names are listed at start; a file is read when it
 * is first asked for (at 1,000 chapters reading all 6,000 files took ≈ 1 s of the server's start and ≈ 20 MB
 * for pages nobody may ask for).
 */
export function publicFiles(
	root: string,
	securityHeaders: readonly (readonly [string, string])[],
	{ maxFile = 256 * 1024, maxTotal = 32 * 1024 * 1024 } = {},
) {
	// Every file sirv knows (so the lookup finds the same one); those without a body stay with sirv.
	const files = new Map<string, PublicFile>();
	for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
		if (!entry.isFile()) continue;
		const abs = path.join(entry.parentPath, entry.name);
		const name = path.relative(root, abs).split(path.sep).join('/');
		const dotted = /(^\.|[\\+|/]\.)/.test(name);
		if (dotted && !/\.well-known[\\+/]/.test(name)) continue;
		const key = `/${name.normalize()}`;
		files.set(key, dotted || !MEMORY_EXTENSIONS.has(path.extname(name).slice(1)) ? { key, abs, memory: null } : { key, abs });
	}
	let total = 0;
	/** The file's bytes and validators, read on its first request while it fits; null: sirv serves it. */
	const load = (file: PublicFile): MemoryFile | null => {
		if (file.memory !== undefined) return file.memory;
		const stats = statSync(file.abs, { throwIfNoEntry: false });
		if (!stats || stats.size > maxFile || total + stats.size > maxTotal) {
			file.memory = null;
			return null;
		}
		let body: Buffer;
		try {
			body = readFileSync(file.abs);
		} catch {
			// Gone since the listing (a deploy replacing dist/client): sirv says what it finds.
			file.memory = null;
			return null;
		}
		total += body.length;
		file.memory = { body, lastModified: stats.mtime.toUTCString(), etag: `W/"${stats.size}-${stats.mtime.getTime()}"` };
		return file.memory;
	};
	const find = (pathname: string): PublicFile | undefined => {
		const base = pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
		for (const ext of ['', '.html', '.htm']) {
			const hit = (base ? files.get(base + ext) : undefined) ?? files.get(`${base}/index${ext}`);
			if (hit) return hit;
		}
		return undefined;
	};

	const diskFiles = sirv(root, {
		dev: true,
		etag: true,
		dotfiles: false,
		setHeaders: (res, pathname) => {
			for (const [name, value] of policyHeaders(find(pathname.normalize())?.key ?? pathname)) res.setHeader(name, value);
		},
	});

	const security = securityHeaders.flat();
	// Keyed by the request path; only paths that find a file are kept, a few per file (slash, extension, index).
	const answers = new Map<string, MemoryAnswer>();
	const remember = (pathname: string, key: string, memory: MemoryFile): MemoryAnswer => {
		const { body, lastModified, etag } = memory;
		const answer: MemoryAnswer = {
			body,
			etag,
			ok: [
				...security,
				...policyHeaders(key).flat(),
				...['Content-Length', String(body.length), 'Last-Modified', lastModified, 'ETag', etag],
				...['X-Request-Id', ''],
			],
			notModified: [...security, 'X-Request-Id', ''],
		};
		answers.set(pathname, answer);
		return answer;
	};

	return {
		/**
		 * A GET or HEAD for a public file: answered from memory, or `'on disk'` (a file sirv serves, or a Range
		 * request: `fromDisk`), or `'none'` (no file has this path, so sirv would only call its `next`).
		 */
		fromMemory(req: http.IncomingMessage, res: http.ServerResponse, requestId: string): 'answered' | 'on disk' | 'none' {
			const pathname = decodedPath(req.url ?? '/');
			let answer = req.headers.range ? undefined : answers.get(pathname);
			if (!answer) {
				// One lookup on a miss (every API request passes here first).
				const file = find(pathname);
				if (!file) return 'none';
				const memory = req.headers.range ? null : load(file);
				if (!memory) return 'on disk';
				answer = remember(pathname, file.key, memory);
			}
			const notModified = req.headers['if-none-match'] === answer.etag;
			const headers = notModified ? answer.notModified : answer.ok;
			// Filled and sent synchronously: writeHead copies the list into the response's header block.
			headers[headers.length - 1] = requestId;
			res.writeHead(notModified ? 304 : 200, headers);
			if (notModified) res.end();
			else res.end(answer.body);
			return 'answered';
		},
		/**
		 * Every other public file (the caller has set the security headers), else `next`. Only called for a file
		 * `fromMemory` found in the listing above (dotfiles excluded), so sirv looks it up on disk per request
		 * (`dev`) instead of keeping its own stat and headers of every file: at 1,000 chapters that was 6,000
		 * entries and ≈ 4 MB of heap for the few that are not answered from memory (decision 0040). It is handed
		 * the file's name as it is on disk: the listing's keys are normalised (NFC), a name copied from macOS may not be.
		 */
		fromDisk(req: http.IncomingMessage, res: http.ServerResponse, next: () => void): void {
			const url = req.url ?? '/';
			const file = find(decodedPath(url));
			if (file) {
				// encodeURI: sirv decodes with decodeURI, which leaves what encodeURIComponent would add (`&`, `=`, …) encoded.
				const onDisk = encodeURI(`/${path.relative(root, file.abs).split(path.sep).join('/')}`);
				const query = url.indexOf('?');
				req.url = query < 0 ? onDisk : onDisk + url.slice(query);
			}
			diskFiles(req, res, next);
		},
	};
}
