/**
 * The empty database cluster a fresh embedded database starts from. PostgreSQL's initdb inside PGlite runs a
 * second instance beside the first and peaked at 650–810 MB for several seconds: more than a small host has, on
 * the very first `npm start` (docs/decisions/0039-prebuilt-cluster.md). The same initdb, run once by
 * `npm run db:template` (scripts/db-template.ts), is shipped here as a 1.3 MB compressed tar; a fresh directory
 * is filled from it with plain file writes, and PGlite opens it as an existing database (PGlite's own
 * `loadDataDir` takes the tar as a Blob: 360 MB at the peak against 216 MB for these writes). It is used only
 * with the PGlite version that made it: after an upgrade a fresh directory runs initdb (in a child process)
 * until the template is made again.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export const CLUSTER_TEMPLATE = {
	data: path.join(HERE, 'pglite-cluster.tar.br'),
	meta: path.join(HERE, 'pglite-cluster.json'),
};

/** How a fresh data directory is made: from this module's shipped cluster, or by initdb (PGLITE_NEW_CLUSTER). */
export type PgliteNewCluster = 'template' | 'initdb';

export interface ClusterTemplateMeta {
	pglite: string;
	postgres: string;
	tarSha256: string;
}

/** The version in @electric-sql/pglite's package.json (the package does not export the file). */
export function installedPgliteVersion(): string {
	let dir = path.dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite')));
	while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
	return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

function clusterTemplateMeta(): ClusterTemplateMeta {
	return JSON.parse(readFileSync(CLUSTER_TEMPLATE.meta, 'utf8')) as ClusterTemplateMeta;
}

/** Marks a directory this module is filling: one that holds it was left half-written by a crash. */
const INCOMPLETE = '.cluster-template-incomplete';
/** Written last: PostgreSQL's (and createPglite's) sign that the directory holds a cluster. */
const VERSION_FILE = 'PG_VERSION';

/**
 * The shipped cluster's files, checked, or why it cannot be used: none beside this module (a bundle), another
 * PGlite made it, or the file is damaged.
 */
export function readClusterTemplate(): { meta: ClusterTemplateMeta; entries: TarEntry[] } | { unusable: string } {
	try {
		if (!existsSync(CLUSTER_TEMPLATE.meta) || !existsSync(CLUSTER_TEMPLATE.data))
			return { unusable: `no ${path.basename(CLUSTER_TEMPLATE.data)} beside ${HERE}` };
		const meta = clusterTemplateMeta();
		const installed = installedPgliteVersion();
		if (meta.pglite !== installed) return { unusable: `it was made by PGlite ${meta.pglite}, this is ${installed} (npm run db:template)` };
		const tar = brotliDecompressSync(readFileSync(CLUSTER_TEMPLATE.data));
		if (createHash('sha256').update(tar).digest('hex') !== meta.tarSha256)
			return { unusable: `${CLUSTER_TEMPLATE.data} is damaged (checksum)` };
		return { meta, entries: [...tarEntries(tar)] };
	} catch (error) {
		return { unusable: `${CLUSTER_TEMPLATE.data} cannot be read: ${(error as Error).message}` };
	}
}

/**
 * Fills the data directory `dir` (it exists; the caller holds its lock) from the shipped cluster, in place, so a
 * symlinked or mounted directory keeps its identity and permissions. Returns null when done, else why it was not
 * used (the caller runs initdb then): no usable template, a directory that already holds files, or a failed
 * write, whose files are removed again. PG_VERSION is written last and a marker first, so a crash midway leaves a
 * directory the next start recognises as its own and fills again.
 */
export function writeClusterTemplate(dir: string): string | null {
	const root = path.resolve(dir);
	if (existsSync(path.join(root, INCOMPLETE))) clearDirectory(root);
	if (readdirSync(root).length > 0) return `${root} already holds files but no database`;
	const template = readClusterTemplate();
	if ('unusable' in template) return template.unusable;
	try {
		writeFileSync(path.join(root, INCOMPLETE), '');
		const ordered = [
			...template.entries.filter((e) => e.name !== VERSION_FILE),
			...template.entries.filter((e) => e.name === VERSION_FILE),
		];
		for (const entry of ordered) {
			const target = path.resolve(root, entry.name);
			if (!target.startsWith(root + path.sep)) throw new Error(`an entry outside the directory (${entry.name})`);
			if (entry.type === 'directory') mkdirSync(target, { recursive: true, mode: entry.mode });
			else writeFileSync(target, entry.data, { mode: entry.mode });
		}
		rmSync(path.join(root, INCOMPLETE));
		return null;
	} catch (error) {
		clearDirectory(root);
		return `writing it into ${root} failed: ${(error as Error).message}`;
	}
}

/** Empties a directory this module filled (never one it did not: the callers check first). */
function clearDirectory(root: string): void {
	for (const name of readdirSync(root)) rmSync(path.join(root, name), { recursive: true, force: true });
}

interface TarEntry {
	name: string;
	type: 'file' | 'directory';
	mode: number;
	data: Uint8Array;
}

/** The entries of a ustar archive, as PGlite's dumpDataDir writes them (regular files and directories). */
export function* tarEntries(tar: Buffer): Generator<TarEntry> {
	const field = (header: Buffer, start: number, length: number) => header.toString('latin1', start, start + length).replace(/\0.*$/s, '');
	for (let offset = 0; offset + 512 <= tar.length; ) {
		const header = tar.subarray(offset, offset + 512);
		if (header.every((byte) => byte === 0)) return;
		const size = Number.parseInt(field(header, 124, 12).trim() || '0', 8);
		const prefix = field(header, 345, 155);
		const name = (prefix ? `${prefix}/` : '') + field(header, 0, 100);
		const flag = String.fromCharCode(header[156] as number);
		const mode = Number.parseInt(field(header, 100, 8).trim() || '600', 8) & 0o777;
		if (flag === '5') yield { name, type: 'directory', mode, data: new Uint8Array() };
		else if (flag === '0' || flag === '\0') yield { name, type: 'file', mode, data: tar.subarray(offset + 512, offset + 512 + size) };
		else throw new Error(`${CLUSTER_TEMPLATE.data}: unexpected tar entry type ${JSON.stringify(flag)} for ${name}`);
		offset += 512 + Math.ceil(size / 512) * 512;
	}
}
