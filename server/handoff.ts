/**
 * The hand-over between the process (server/index.ts, or Vite's dev/preview server) and the app bundle:
 * the process offers its HTTP server before the app initialises; the app's `init` hook takes it,
 * attaches Socket.IO and the Yjs endpoint, and registers what must run on shutdown.
 * A global symbol, because the app bundle and this file are loaded as separate module copies.
 */
import type { Server } from 'node:http';

type Handoff = { httpServer?: Server; production: boolean; closers: Array<() => Promise<void> | void> };
const KEY = Symbol.for('yizhan.handoff');
const g = globalThis as typeof globalThis & { [KEY]?: Handoff };

function state(): Handoff {
	return (g[KEY] ??= { production: false, closers: [] });
}

export function offerHttpServer(httpServer: Server, { production }: { production: boolean }) {
	Object.assign(state(), { httpServer, production });
}

/** Called once by the app: the HTTP server to attach to, if a process offered one (not in `vite build`). */
export function takeHttpServer(): { httpServer: Server; production: boolean } | undefined {
	const s = state();
	return s.httpServer ? { httpServer: s.httpServer, production: s.production } : undefined;
}

export function onShutdown(fn: () => Promise<void> | void) {
	state().closers.push(fn);
}

/** Runs the app's closers in reverse order of registration (last attached, first closed). */
export async function runShutdown() {
	const closers = state().closers.splice(0).reverse();
	for (const close of closers) await close();
}
