/**
 * Hands the Vite dev and preview servers' HTTP server to the app, so `vite dev` and `vite preview`
 * run the same Socket.IO and Yjs code as production. SvelteKit runs the init hook on the first
 * request, so the plugin sends one as soon as the server listens.
 */
import type { Server } from 'node:http';
import type { Plugin } from 'vite';
import { offerHttpServer } from './handoff';

function warmUp(httpServer: Server) {
	httpServer.once('listening', () => {
		const address = httpServer.address();
		if (address && typeof address === 'object')
			fetch(`http://127.0.0.1:${address.port}/healthz`).catch(() => {});
	});
}

export function yizhanRealtime(): Plugin {
	return {
		name: 'yizhan-realtime',
		configureServer(server) {
			if (!server.httpServer) return;
			offerHttpServer(server.httpServer as Server, { production: false });
			warmUp(server.httpServer as Server);
		},
		configurePreviewServer(server) {
			offerHttpServer(server.httpServer as Server, { production: false });
			warmUp(server.httpServer as Server);
		}
	};
}
