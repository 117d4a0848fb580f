/**
 * Images and other files a chapter links to, published under `/assets/` with content-hashed names
 * (cached for a year, immutable). Large raster images are resized and re-encoded with sharp, the
 * library Astro's own image service uses, and every image's size is known so pages set width/height.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';

/** The URL path published assets live under; also what the cache policy treats as immutable. */
export const ASSET_PREFIX = '/assets/';
/** Wider raster images are scaled down to this width (2× a 800 px column). */
export const MAX_IMAGE_WIDTH = 1600;
/** Raster images over this size are re-encoded even when they are narrow enough. */
const REENCODE_BYTES = 300 * 1024;
/** Files over this size after processing are reported as a warning: learners on phones pay for them. */
export const LARGE_ASSET_BYTES = 1024 * 1024;

export const IMAGE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'gif', 'webp', 'avif', 'svg']);
const RESIZABLE = new Set(['png', 'jpg', 'jpeg', 'webp', 'avif']);

export interface CourseAsset {
	/** Published file name under ASSET_PREFIX, e.g. `crumb.3f9a1c0b2d4e5f60.jpg`. */
	name: string;
	/** Source path relative to the project root, for messages. */
	source: string;
	bytes: Buffer;
	width?: number;
	height?: number;
	/** Ids of the chapters that reference it. */
	chapters: string[];
}

export function extensionOf(file: string): string {
	return path.extname(file).slice(1).toLowerCase();
}

export function isImageFile(file: string): boolean {
	return IMAGE_EXTENSIONS.has(extensionOf(file));
}

export class AssetCollector {
	readonly #assets = new Map<string, Promise<CourseAsset>>();
	readonly #rootDir: string;

	constructor(rootDir: string) {
		this.#rootDir = rootDir;
	}

	/** Processes `absPath` once, however many chapters use it. */
	async add(absPath: string, chapterId: string | undefined): Promise<CourseAsset> {
		let pending = this.#assets.get(absPath);
		if (!pending) {
			pending = prepareAsset(absPath, path.relative(this.#rootDir, absPath));
			this.#assets.set(absPath, pending);
		}
		const asset = await pending;
		if (chapterId && !asset.chapters.includes(chapterId)) asset.chapters.push(chapterId);
		return asset;
	}

	async list(): Promise<CourseAsset[]> {
		const assets = await Promise.all(this.#assets.values());
		return assets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
	}
}

async function prepareAsset(absPath: string, source: string): Promise<CourseAsset> {
	const ext = extensionOf(absPath);
	let bytes = await readFile(absPath);
	let width: number | undefined;
	let height: number | undefined;
	if (isImageFile(absPath)) {
		const image = sharp(bytes, { animated: ext === 'gif' || ext === 'webp' });
		const meta = await image.metadata();
		width = meta.width;
		height = meta.pageHeight ?? meta.height;
		if (RESIZABLE.has(ext) && width && (width > MAX_IMAGE_WIDTH || bytes.length > REENCODE_BYTES)) {
			const resized = sharp(bytes)
				.rotate()
				.resize({ width: Math.min(width, MAX_IMAGE_WIDTH), withoutEnlargement: true });
			const encoded = await encode(resized, ext).toBuffer({ resolveWithObject: true });
			// Keep the original when re-encoding would not make it smaller (an already optimised file).
			if (encoded.data.length < bytes.length || width > MAX_IMAGE_WIDTH) {
				bytes = encoded.data;
				width = encoded.info.width;
				height = encoded.info.height;
			}
		}
	}
	const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
	const stem =
		path
			.basename(absPath, path.extname(absPath))
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, '-')
			.replace(/^-|-$/g, '') || 'asset';
	return { name: `${stem}.${hash}.${ext === 'jpeg' ? 'jpg' : ext}`, source, bytes, width, height, chapters: [] };
}

function encode(image: Sharp, ext: string): Sharp {
	switch (ext) {
		case 'png':
			return image.png({ compressionLevel: 9 });
		case 'webp':
			return image.webp({ quality: 80 });
		case 'avif':
			return image.avif({ quality: 55 });
		default:
			return image.jpeg({ quality: 80, mozjpeg: true });
	}
}
