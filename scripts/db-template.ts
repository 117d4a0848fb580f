/**
 * `npm run db:template`: writes the empty database cluster a fresh embedded database starts from
 * (src/server/db/pglite-cluster.ts), made by this PGlite's own initdb on disk and shut down cleanly, so its first
 * open needs no recovery. Run it again after upgrading @electric-sql/pglite: until then a fresh data directory
 * falls back to running initdb, and a unit test says so.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { CLUSTER_TEMPLATE, installedPgliteVersion } from '../src/server/db/pglite-cluster.ts';

/** The running server's lock file: a copy of it would describe a process that does not exist. */
const LEFT_OUT = new Set(['postmaster.pid']);

/** One 512-byte ustar header (uid, gid and mtime 0, so the same files always give the same bytes). */
function header(name: string, mode: number, size: number, type: '0' | '5'): Buffer {
	const h = Buffer.alloc(512);
	const octal = (value: number, at: number, width: number) => h.write(`${value.toString(8).padStart(width - 1, '0')}\0`, at, 'latin1');
	if (Buffer.byteLength(name) > 100) throw new Error(`db:template: ${name} is longer than a ustar name`);
	h.write(name, 0, 'latin1');
	octal(mode, 100, 8);
	octal(0, 108, 8);
	octal(0, 116, 8);
	octal(size, 124, 12);
	octal(0, 136, 12);
	h.write(type, 156, 'latin1');
	h.write('ustar\0' + '00', 257, 'latin1');
	h.fill(' ', 148, 156);
	let sum = 0;
	for (const byte of h) sum += byte;
	h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
	return h;
}

/** The directory as a ustar archive, entries in sorted order, directories before their contents. */
function tarOf(root: string): Buffer {
	const parts: Buffer[] = [];
	const walk = (relative: string) => {
		for (const name of readdirSync(path.join(root, relative)).sort()) {
			if (!relative && LEFT_OUT.has(name)) continue;
			const entry = relative ? `${relative}/${name}` : name;
			const stat = statSync(path.join(root, entry));
			if (stat.isDirectory()) {
				parts.push(header(entry, stat.mode & 0o777, 0, '5'));
				walk(entry);
			} else {
				const data = readFileSync(path.join(root, entry));
				parts.push(header(entry, stat.mode & 0o777, data.length, '0'), data, Buffer.alloc((512 - (data.length % 512)) % 512));
			}
		}
	};
	walk('');
	return Buffer.concat([...parts, Buffer.alloc(1024)]);
}

const started = Date.now();
const scratch = mkdtempSync(path.join(os.tmpdir(), 'db-template-'));
try {
	const dataDir = path.join(scratch, 'data');
	const pglite = await PGlite.create(dataDir);
	const postgres = (await pglite.query<{ server_version: string }>('show server_version')).rows[0]?.server_version;
	// close() shuts PostgreSQL down: pg_control says "shut down", and the first open replays nothing.
	await pglite.close();
	const tar = tarOf(dataDir);
	// Brotli with a 16 MB window finds the three databases' shared pages: 1.4 MB, where gzip's 32 kB window gives 4.5 MB.
	const compressed = brotliCompressSync(tar, {
		params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24, [constants.BROTLI_PARAM_SIZE_HINT]: tar.length },
	});
	writeFileSync(CLUSTER_TEMPLATE.data, compressed);
	const meta = { pglite: installedPgliteVersion(), postgres, tarSha256: createHash('sha256').update(tar).digest('hex') };
	writeFileSync(CLUSTER_TEMPLATE.meta, `${JSON.stringify(meta, null, '\t')}\n`);
	console.log(
		`Wrote ${path.relative(process.cwd(), CLUSTER_TEMPLATE.data)} (${(compressed.length / 1e6).toFixed(2)} MB, ${(tar.length / 1e6).toFixed(1)} MB as a tar) for PGlite ${meta.pglite} (PostgreSQL ${postgres}) in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
	);
} finally {
	rmSync(scratch, { recursive: true, force: true });
}
