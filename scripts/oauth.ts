/**
 * `npm run oauth -- <command>`: manage OAuth clients (the apps learners can connect, e.g. a custom GPT).
 * Opens the same database as the server (DATABASE_URL, or embedded PGlite under DATA_DIR), migrates it,
 * does one thing and closes it.
 */
import { parseArgs } from 'node:util';
import { openDatabaseFromEnv } from '../src/server/db/open-from-env.ts';
import { migrateToLatest } from '../src/server/db/migrate.ts';
import { parseEnv } from '../src/server/env.ts';
import { createClient, listClients, removeClient } from '../src/server/oauth/clients.ts';

const HELP = `Manage OAuth clients.

Usage:
  npm run oauth -- add-client --name <name> --redirect-uri <uri> [--redirect-uri <uri> ...] [--public] [--json]
  npm run oauth -- list-clients [--json]
  npm run oauth -- remove-client <client_id>

add-client     Registers an app. A confidential client (the default; what a ChatGPT custom GPT
               uses) gets a client_secret, printed once: copy it now, only its hash is stored.
               --public registers a client without a secret; it must use PKCE (S256).
               Example for a GPT: --name "ChatGPT" --redirect-uri https://chatgpt.com/aip/g-XXXX/oauth/callback
list-clients   Lists every client with its redirect URIs.
remove-client  Deletes a client and disconnects it from every account (its tokens are revoked).

Database: DATABASE_URL (PostgreSQL) if set, otherwise the embedded database in DATA_DIR
(default ./.data/pglite). The embedded database can be opened by one process at a time: stop
the server first (or use DATABASE_URL), otherwise this script stops with a "database in use" error.
`;

async function main(argv: string[]): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			name: { type: 'string' },
			'redirect-uri': { type: 'string', multiple: true },
			public: { type: 'boolean', default: false },
			json: { type: 'boolean', default: false },
			help: { type: 'boolean', short: 'h', default: false },
		},
	});
	const [command, ...rest] = positionals;
	if (values.help || !command) {
		console.log(HELP);
		return command || values.help ? 0 : 1;
	}
	if (!['add-client', 'list-clients', 'remove-client'].includes(command)) {
		console.error(`Unknown command "${command}".\n\n${HELP}`);
		return 1;
	}
	if (command === 'add-client' && (!values.name || !values['redirect-uri']?.length)) {
		console.error('add-client needs --name and at least one --redirect-uri.');
		return 1;
	}
	if (command === 'remove-client' && rest.length !== 1) {
		console.error('remove-client needs exactly one client_id.');
		return 1;
	}

	const env = parseEnv();
	const handle = await openDatabaseFromEnv(env);
	try {
		await migrateToLatest(handle.db);
		if (command === 'add-client') {
			const { client, secret } = await createClient(handle.db, {
				name: values.name as string,
				redirectUris: values['redirect-uri'] as string[],
				isPublic: values.public,
			});
			if (values.json) {
				console.log(JSON.stringify({ client_id: client.id, client_secret: secret, name: client.name, redirect_uris: client.redirectUris }));
			} else {
				console.log(`client_id: ${client.id}`);
				if (secret) {
					console.log(`client_secret: ${secret}`);
					console.log('The secret is shown only now; only its hash is stored.');
				} else {
					console.log('Public client: no secret; it must use PKCE (S256).');
				}
			}
		} else if (command === 'list-clients') {
			const clients = await listClients(handle.db);
			if (values.json) {
				console.log(
					JSON.stringify(
						clients.map((c) => ({
							client_id: c.id,
							name: c.name,
							public: c.isPublic,
							redirect_uris: c.redirectUris,
							created_at: c.createdAt,
						})),
					),
				);
			} else if (clients.length === 0) {
				console.log('No OAuth clients.');
			} else {
				for (const c of clients) {
					console.log(`${c.id}  ${c.name}  (${c.isPublic ? 'public' : 'confidential'}, created ${c.createdAt.toISOString()})`);
					for (const uri of c.redirectUris) console.log(`    ${uri}`);
				}
			}
		} else {
			const id = rest[0] as string;
			if (!(await removeClient(handle.db, id))) {
				console.error(`No client with id ${id}.`);
				return 1;
			}
			console.log(`Removed client ${id}; its tokens are revoked.`);
		}
		return 0;
	} finally {
		await handle.close();
	}
}

try {
	process.exitCode = await main(process.argv.slice(2));
} catch (error) {
	// Bad options, bad configuration, a locked embedded database: the message says what to do.
	console.error((error as Error).message);
	process.exitCode = 1;
}
