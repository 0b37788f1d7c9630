/**
 * Production entry: one process, one port. Creates the HTTP server, hands it to the app (whose init
 * hook attaches Socket.IO and Yjs to it), serves the built SvelteKit handler, and shuts down cleanly.
 * Compiled by `tsc -p server/tsconfig.json` to build/server/index.js; never run through a transpiler.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { offerHttpServer, runShutdown } from './handoff.js';

const SOCKET_PROTOCOL_HEADER = 'x-yizhan-socket-protocol';

export type ServerConfig = { port?: number; host?: string };

export async function createServer(
	config: ServerConfig = {}
): Promise<{ httpServer: Server; close(): Promise<void> }> {
	const httpServer = createHttpServer();
	offerHttpServer(httpServer, { production: true });
	// adapter-node assumes https unless told otherwise. Without ORIGIN (or a proxy's PROTOCOL_HEADER) we
	// are the edge, so we tell it the protocol this socket really speaks; clients cannot forge it.
	// Follow-up reports carry up to four phone photos (8 MB each, photos.ts); adapter-node's default is 512 KB.
	process.env.BODY_SIZE_LIMIT ??= '36M';
	const trustSocketProtocol = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
	if (trustSocketProtocol) process.env.PROTOCOL_HEADER = SOCKET_PROTOCOL_HEADER;
	// Our request listener goes on first: Socket.IO, attached by the app's init hook below, wraps the
	// listeners already there so that /socket.io requests never reach SvelteKit as well.
	const app: { handler?: (req: unknown, res: unknown) => void } = {};
	httpServer.on('request', (req, res) => {
		if (trustSocketProtocol)
			req.headers[SOCKET_PROTOCOL_HEADER] = 'encrypted' in req.socket ? 'https' : 'http';
		app.handler!(req, res);
	});
	// Importing the handler runs the app's init hook (migrations, demo seed, realtime attach).
	// handler.js is built by SvelteKit's adapter-node and has no type declarations.
	const built = '../handler.js';
	app.handler = ((await import(built)) as { handler: (req: unknown, res: unknown) => void }).handler;
	await new Promise<void>((resolve) =>
		httpServer.listen(config.port ?? 3000, config.host ?? '0.0.0.0', resolve)
	);

	let closing: Promise<void> | undefined;
	const close = () =>
		(closing ??= (async () => {
			await runShutdown(); // realtime connections, Yjs flush, database
			await new Promise<void>((resolve) => httpServer.close(() => resolve()));
		})());
	return { httpServer, close };
}

async function main() {
	const port = Number(process.env.PORT ?? 3000);
	const host = process.env.HOST ?? '0.0.0.0';
	const { httpServer, close } = await createServer({ port, host });
	const address = httpServer.address();
	const shown =
		typeof address === 'object' && address
			? `http://${host === '0.0.0.0' ? 'localhost' : host}:${address.port}`
			: String(address);
	console.log(`议栈 Yizhan listening on ${shown}`);
	for (const signal of ['SIGTERM', 'SIGINT'] as const) {
		process.once(signal, () => {
			console.log(`${signal}: shutting down`);
			const force = setTimeout(() => process.exit(1), 10_000);
			force.unref();
			close().then(
				() => process.exit(0),
				(e) => {
					console.error(e);
					process.exit(1);
				}
			);
		});
	}
}

if (import.meta.url === `file://${process.argv[1]}`) {
	main().catch((e) => {
		console.error(e);
		process.exit(1);
	});
}
