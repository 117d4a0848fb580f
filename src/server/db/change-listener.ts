/**
 * One PostgreSQL connection that LISTENs on a channel and tells its owner when anything was notified
 * there, and whether it can be trusted to (decision 0035). It is "live" only after a notification sent
 * through the application's own pool came back to it (so a pooler that drops LISTEN, e.g. PgBouncer in
 * transaction mode, is found out), and it repeats that check every heartbeat. A lost connection or a
 * missed heartbeat makes it not live at once, and it reconnects with a growing pause.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface ChangeListenerOptions {
	url: string;
	channel: string;
	/** Sends `pg_notify(channel, payload)` the way the application writes (its pool). */
	notify: (channel: string, payload: string) => Promise<void>;
	/** A notification other than this listener's own heartbeat arrived. */
	onChange: () => void;
	/** The feed became trustworthy (true) or stopped being so (false). */
	onLive: (live: boolean) => void;
	heartbeatMs?: number;
	/** How long a heartbeat may take to come back. */
	echoTimeoutMs?: number;
	log?: (message: string) => void;
}

export interface ChangeListener {
	close(): Promise<void>;
}

const PING = 'ping:';

export function listenForChanges(options: ChangeListenerOptions): ChangeListener {
	const heartbeatMs = options.heartbeatMs ?? 30_000;
	const echoTimeoutMs = options.echoTimeoutMs ?? 5_000;
	const log = options.log ?? ((message: string) => console.warn(`[db] ${message}`));
	let client: pg.Client | undefined;
	let closed = false;
	let live = false;
	let retryMs = 500;
	let timer: NodeJS.Timeout | undefined;
	const echoes = new Map<string, () => void>();

	const setLive = (value: boolean) => {
		if (live === value) return;
		live = value;
		options.onLive(value);
	};

	const schedule = (ms: number, run: () => void) => {
		clearTimeout(timer);
		timer = setTimeout(run, ms);
		timer.unref();
	};

	/** A notification sent through the pool must come back to this connection within the timeout. */
	const echo = async (): Promise<void> => {
		const nonce = randomBytes(9).toString('base64url');
		const heard = new Promise<void>((resolve, reject) => {
			const timeout = setTimeout(() => {
				echoes.delete(nonce);
				reject(new Error(`no notification came back on ${options.channel} within ${echoTimeoutMs} ms`));
			}, echoTimeoutMs);
			timeout.unref();
			echoes.set(nonce, () => {
				clearTimeout(timeout);
				echoes.delete(nonce);
				resolve();
			});
		});
		await options.notify(options.channel, PING + nonce);
		await heard;
	};

	/** Off, and the connection let go: its late errors and its end are no longer ours to handle. */
	const drop = async (): Promise<void> => {
		setLive(false);
		const old = client;
		client = undefined;
		old?.removeAllListeners();
		old?.on('error', () => {});
		await old?.end().catch(() => {});
	};

	const fail = (error: Error) => {
		if (closed) return;
		if (live) log(`change feed on ${options.channel} lost (${error.message}); the session cache is off until it is back`);
		void drop();
		schedule(retryMs, () => void connect());
		retryMs = Math.min(retryMs * 2, 30_000);
	};

	const heartbeat = () => {
		const current = client;
		echo().then(
			() => {
				if (!closed && client === current) schedule(heartbeatMs, heartbeat);
			},
			(error: Error) => {
				if (client === current) fail(error);
			},
		);
	};

	const connect = async () => {
		if (closed) return;
		const next = new pg.Client({ connectionString: options.url, connectionTimeoutMillis: echoTimeoutMs });
		client = next;
		next.on('error', (error) => fail(error));
		next.on('end', () => fail(new Error('connection ended')));
		next.on('notification', (message) => {
			if (message.channel !== options.channel) return;
			const payload = message.payload ?? '';
			if (payload.startsWith(PING)) echoes.get(payload.slice(PING.length))?.();
			else options.onChange();
		});
		try {
			await next.connect();
			await next.query(`LISTEN ${pg.escapeIdentifier(options.channel)}`);
			await echo();
		} catch (error) {
			if (client === next) fail(error as Error);
			return;
		}
		if (closed || client !== next) return;
		retryMs = 500;
		setLive(true);
		schedule(heartbeatMs, heartbeat);
	};

	void connect();
	return {
		async close() {
			closed = true;
			clearTimeout(timer);
			await drop();
		},
	};
}
