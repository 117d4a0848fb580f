/**
 * A WebSocket-to-TCP relay like Neon's `wsproxy`: lets @neondatabase/serverless (which speaks the
 * Postgres protocol over WebSockets) reach the local PostgreSQL in tests.
 */
import net from 'node:net';
import { WebSocketServer } from 'ws';

export async function startWsProxy(): Promise<{ port: number; connections: () => number; close(): Promise<void> }> {
	const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
	let count = 0;
	wss.on('connection', (socket, request) => {
		count++;
		const address = new URL(request.url ?? '/', 'http://proxy').searchParams.get('address') ?? '';
		const [host = '127.0.0.1', port = '5432'] = address.split(':');
		const tcp = net.connect(Number(port), host);
		tcp.on('data', (chunk) => socket.send(chunk));
		socket.on('message', (data) => tcp.write(data as Buffer));
		const closeBoth = () => {
			tcp.destroy();
			socket.close();
		};
		tcp.on('close', closeBoth);
		tcp.on('error', closeBoth);
		socket.on('close', closeBoth);
	});
	await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
	const { port } = wss.address() as { port: number };
	return {
		port,
		connections: () => count,
		close: () =>
			new Promise<void>((resolve) => {
				for (const client of wss.clients) client.terminate();
				wss.close(() => resolve());
			}),
	};
}
