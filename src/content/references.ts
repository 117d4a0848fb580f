/**
 * What a link or image in a chapter points to. GitHub-style relative links (`./40-proofing.md#signs`,
 * `../30-shaping/`, `../images/crumb.jpg`) resolve against the chapter file, as GitHub renders them;
 * site links (`/chapters/<id>#anchor`) keep working. Problems become author issues with file:line
 * and a suggestion; anchors are checked once every chapter's headings are known.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { type AssetCollector, ASSET_PREFIX, isImageFile } from './assets.ts';
import type { ContentIssue } from './errors.ts';
import type { Reference, ResolvedReference } from './markdown.ts';
import { chapterUrl, quizUrl } from './urls.ts';
import { didYouMean } from './suggest.ts';

/** Site pages an author may link to besides chapters and quizzes. */
const SITE_PATHS = new Set(['/', '/search', '/quizzes', '/privacy', '/dashboard', '/account', '/login', '/register']);
const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

export interface ReferenceTargets {
	contentDir: string;
	rootDir: string;
	/** Public origin without a trailing slash; absolute URLs in the JSON start with it. */
	origin: string;
	/** Absolute path of each chapter's markdown file, and of a folder chapter's folder → chapter id. */
	chapterByPath: Map<string, string>;
	/** Absolute path of each valid quiz file → its chapter id. */
	quizByPath: Map<string, string>;
	/** Absolute paths of quiz files with problems of their own: a link to one is reported with them, not as a link. */
	invalidQuizFiles: Set<string>;
	/** Chapter ids that have a quiz. */
	quizzes: Set<string>;
	assets: AssetCollector;
}

interface PendingAnchor {
	file: string;
	line: number | undefined;
	written: string;
	chapterId: string;
	anchor: string;
}

export class ReferenceResolver {
	readonly #targets: ReferenceTargets;
	readonly #pending: PendingAnchor[] = [];
	readonly #chapterIds: Set<string>;

	constructor(targets: ReferenceTargets) {
		this.#targets = targets;
		this.#chapterIds = new Set(targets.chapterByPath.values());
	}

	/**
	 * The resolver for one chapter's body. `bodyLine` is the file line where the body starts;
	 * `chapterId` is undefined when the chapter's frontmatter has no usable id.
	 */
	forChapter(file: string, bodyLine: number, chapterId: string | undefined, issues: ContentIssue[]) {
		const t = this.#targets;
		const absFile = path.resolve(t.rootDir, file);
		return async (ref: Reference): Promise<ResolvedReference | null> => {
			const line = ref.line === undefined ? undefined : bodyLine + ref.line - 1;
			const report = (message: string) => {
				issues.push({ file, field: 'body', line, message });
				return null;
			};
			const what = ref.kind === 'image' ? 'image' : 'link';
			const url = ref.url.trim();
			if (!url) return ref.kind === 'image' ? report('image without a source: write ![description](../images/file.png)') : null;
			if (EXTERNAL.test(url)) {
				if (ref.kind !== 'image') return null;
				return report(
					`external image ${url}: the site's Content-Security-Policy only allows images it publishes itself; download the file into the course (e.g. content/images/) and reference it with a relative path such as ../images/${path.posix.basename(url.split(/[?#]/)[0] ?? '') || 'picture.png'}`,
				);
			}
			const hashAt = url.indexOf('#');
			const anchor = hashAt >= 0 ? decodeSafe(url.slice(hashAt + 1)) : undefined;
			const pathPart = (hashAt >= 0 ? url.slice(0, hashAt) : url).split('?')[0] ?? '';
			const absolute = (href: string) => `${t.origin}${href}`;

			if (!pathPart) {
				if (!chapterId || anchor === undefined) return null;
				this.#pending.push({ file, line, written: url, chapterId, anchor });
				const href = `#${anchor}`;
				return { href, absolute: absolute(`${chapterUrl(chapterId)}${href}`) };
			}

			const decoded = decodeSafe(pathPart);
			const fromContentRoot = decoded.startsWith('/') ? path.join(t.contentDir, decoded) : undefined;
			if (decoded.startsWith('/') && !(fromContentRoot && existsSync(fromContentRoot))) {
				return this.#sitePath(decoded, anchor, url, file, line, report);
			}
			const target = fromContentRoot ?? path.resolve(path.dirname(absFile), decoded);
			const relToContent = path.relative(t.contentDir, target);
			if (relToContent.startsWith('..') || path.isAbsolute(relToContent)) {
				return report(
					`${what} ${url} points outside the course folder (${path.relative(t.rootDir, t.contentDir)}/); keep linked files inside it`,
				);
			}
			const chapter = t.chapterByPath.get(target.replace(/[\\/]+$/, ''));
			if (chapter) {
				if (ref.kind === 'image') return report(`image ${url} points to a chapter, not to an image file`);
				if (anchor !== undefined) this.#pending.push({ file, line, written: url, chapterId: chapter, anchor });
				const href = `${chapterUrl(chapter)}${anchor !== undefined ? `#${anchor}` : ''}`;
				return { href, absolute: absolute(href) };
			}
			const quizChapter = t.quizByPath.get(target);
			if (quizChapter) {
				const href = quizUrl(quizChapter);
				return { href, absolute: absolute(href) };
			}
			if (t.invalidQuizFiles.has(target)) return null;
			const stats = existsSync(target) ? statSync(target) : undefined;
			if (!stats) return report(`${what} ${url}: ${path.relative(t.rootDir, target)} does not exist${this.#suggestFile(target, decoded)}`);
			if (stats.isDirectory())
				return report(`${what} ${url} points to a folder that is not a chapter (a chapter folder holds index.md or README.md)`);
			const ext = path.extname(target).toLowerCase();
			if (ext === '.md')
				return report(`${what} ${url} points to a markdown file that is not a chapter (chapters live in chapters/ and have frontmatter)`);
			if (ext === '.yaml' || ext === '.yml')
				return report(`${what} ${url} points to a course file that is never published; link to a chapter or an image instead`);
			if (ref.kind === 'image' && !isImageFile(target))
				return report(`image ${url} is not an image (use .png, .jpg, .gif, .webp, .avif or .svg)`);
			const asset = await t.assets.add(target, chapterId);
			const href = `${ASSET_PREFIX}${asset.name}`;
			return { href, absolute: absolute(href), ...(asset.width && asset.height ? { width: asset.width, height: asset.height } : {}) };
		};
	}

	#sitePath(decoded: string, anchor: string | undefined, url: string, file: string, line: number | undefined, report: (m: string) => null) {
		const t = this.#targets;
		const trimmed = decoded.replace(/\/$/, '') || '/';
		const href = url;
		const match = /^\/(chapters|quizzes)\/([^/]+)$/.exec(trimmed);
		if (!match) {
			if (SITE_PATHS.has(trimmed)) return { href, absolute: `${t.origin}${href}` };
			return report(
				`broken link ${url}: site links must point to /chapters/<id> or /quizzes/<id>, or be relative paths to chapter files (./20-flour.md)`,
			);
		}
		const id = match[2] ?? '';
		const ids = this.#chapterIds;
		if (!ids.has(id)) return report(`broken link ${url}: no chapter has id "${id}"${didYouMean(id, ids)}`);
		if (match[1] === 'quizzes' && !t.quizzes.has(id)) return report(`broken link ${url}: chapter "${id}" has no quiz`);
		if (match[1] === 'chapters' && anchor !== undefined) this.#pending.push({ file, line, written: url, chapterId: id, anchor });
		return { href, absolute: `${t.origin}${href}` };
	}

	#suggestFile(target: string, written: string): string {
		// The written link without its last segment (and a folder link's trailing slash): what the hint keeps.
		const trimmed = written.replace(/\/+$/, '');
		const writtenDir = trimmed.slice(0, trimmed.lastIndexOf('/') + 1);
		const base = path.basename(target);
		const dir = path.dirname(target);
		if (!existsSync(dir)) {
			// A file inside a misspelt folder (./26-colony/README.md): suggest the folder that holds such a file.
			const parent = path.dirname(dir);
			if (!existsSync(parent)) return '';
			const folders = readdirSync(parent).filter((n) => !n.startsWith('.') && existsSync(path.join(parent, n, base)));
			const folderWritten = writtenDir.replace(/[^/]+\/$/, '');
			return didYouMean(path.basename(dir), folders, (n) => `${folderWritten}${n}/${base}`);
		}
		const names = readdirSync(dir).filter((n) => !n.startsWith('.'));
		const hint = didYouMean(base, names, (n) => `${writtenDir}${n}${written.endsWith('/') ? '/' : ''}`);
		if (hint || names.length === 0) return hint;
		return ` (that folder has: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''})`;
	}

	/** Reports links to anchors that no heading of the target chapter has. */
	checkAnchors(anchorsByChapter: Map<string, Set<string>>, issues: ContentIssue[]): void {
		for (const p of this.#pending) {
			const anchors = anchorsByChapter.get(p.chapterId);
			if (!anchors || anchors.has(p.anchor)) continue;
			const list = [...anchors].slice(0, 12).map((a) => `#${a}`);
			issues.push({
				file: p.file,
				field: 'body',
				line: p.line,
				message: `broken link ${p.written}: chapter "${p.chapterId}" has no heading with anchor "#${p.anchor}"${didYouMean(p.anchor, anchors, (a) => `"#${a}"`)}${list.length ? `; its anchors include: ${list.join(', ')}` : ''}`,
			});
		}
	}
}

function decodeSafe(text: string): string {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}
