/** The files of a build directory, with the digests the plan compares and the upload verifies. */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { LocalFile } from './plan.ts';

export function digests(bytes: Uint8Array): { md5: string; sha256: string } {
	return {
		md5: createHash('md5').update(bytes).digest('hex'),
		sha256: createHash('sha256').update(bytes).digest('hex'),
	};
}

/** Every regular file under `dir` (symlinks and other special files are skipped), sorted by key. */
export async function scanDirectory(dir: string, prefix = ''): Promise<LocalFile[]> {
	const root = path.resolve(dir);
	const entries = await readdir(root, { recursive: true, withFileTypes: true });
	const files: LocalFile[] = [];
	for (const entry of entries) {
		if (!entry.isFile()) continue;
		const absolute = path.join(entry.parentPath, entry.name);
		const bytes = await readFile(absolute);
		const relative = path.relative(root, absolute).split(path.sep).join('/');
		files.push({ key: prefix + relative, path: absolute, size: bytes.byteLength, ...digests(bytes) });
	}
	return files.sort((a, b) => a.key.localeCompare(b.key));
}
