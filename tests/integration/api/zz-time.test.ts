import { it } from 'vitest';
import { startApiServer, registerLearner } from './fixtures.ts';
it('t', async () => {
	let t = Date.now();
	const api = await startApiServer('pglite');
	console.log('start', Date.now() - t); t = Date.now();
	await registerLearner(api, 'x');
	console.log('reg', Date.now() - t); t = Date.now();
	await api.stop();
	console.log('stop', Date.now() - t);
}, 120000);
