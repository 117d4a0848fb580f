/** Builds the Pagefind index over the public HTML only (so premium bodies can never enter it). */
import path from 'node:path';
import * as pagefind from 'pagefind';

export async function indexPublicSite(clientDir: string): Promise<number> {
	const { index, errors } = await pagefind.createIndex({});
	if (!index) throw new Error(`pagefind: ${errors.join('; ')}`);
	try {
		const added = await index.addDirectory({ path: clientDir });
		if (added.errors.length) throw new Error(`pagefind: ${added.errors.join('; ')}`);
		const written = await index.writeFiles({ outputPath: path.join(clientDir, 'pagefind') });
		if (written.errors.length) throw new Error(`pagefind: ${written.errors.join('; ')}`);
		return added.page_count;
	} finally {
		await pagefind.close();
	}
}
