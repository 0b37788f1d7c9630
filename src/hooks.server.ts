import type { Handle, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { readConfig } from '$lib/server/config';
import { closeDb, initDb } from '$lib/server/db';
import { seedDemo } from '$lib/server/demo';
import { loadActor } from '$lib/server/authz';
import { attachRealtime } from '$lib/server/realtime';
import { detachedDocuments, type Services } from '$lib/server/services';
import { SESSION_COOKIE, validateSessionToken } from '$lib/server/session';
import { setSessionCookie, deleteSessionCookie } from '$lib/server/cookies';
import { ELDER_COOKIE } from '$lib/server/elder';
import { onShutdown, takeHttpServer } from '../server/handoff';

/** Made once by init and handed to every request (handleServices); see src/lib/server/services.ts. */
let services: Services | undefined;

export const init: ServerInit = async () => {
	const config = readConfig();
	const db = initDb(config.databasePath);
	await seedDemo(db, config.demoSeed, { uploadsDir: config.uploadsDir });
	let docs = detachedDocuments;
	const offered = takeHttpServer();
	if (offered) {
		const realtime = attachRealtime(offered.httpServer, {
			db,
			production: offered.production,
			publicOrigin: config.origin,
			addressSource: config.addressSource
		});
		docs = realtime.yjs;
		onShutdown(closeDb);
		onShutdown(() => realtime.close());
	}
	services = { db, docs };
};

const handleServices: Handle = ({ event, resolve }) => {
	if (!services) throw new Error('services not made: the init hook runs before any request');
	event.locals.services = services;
	return resolve(event);
};

const handleLocale: Handle = ({ event, resolve }) =>
	paraglideMiddleware(event.request, ({ request, locale }) => {
		event.request = request;
		return resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', locale === 'zh' ? 'zh-CN' : locale)
		});
	});

const handleSession: Handle = ({ event, resolve }) => {
	event.locals.user = null;
	event.locals.session = null;
	event.locals.actor = null;
	const token = event.cookies.get(SESSION_COOKIE);
	if (token) {
		const { db } = event.locals.services;
		const { session, user } = validateSessionToken(db, token);
		if (session) {
			setSessionCookie(event.cookies, token, session.expiresAt);
			event.locals.user = user;
			event.locals.session = { id: session.id, expiresAt: session.expiresAt };
			event.locals.actor = loadActor(db, user);
		} else deleteSessionCookie(event.cookies);
	}
	return resolve(event);
};

/**
 * 长辈版: the device's own choice (cookie) wins, else the account's last choice. Rendered on <html> by
 * the server, so large type is there from the first paint, with or without JavaScript.
 */
const handleElder: Handle = ({ event, resolve }) => {
	const device = event.cookies.get(ELDER_COOKIE);
	event.locals.elder = device !== undefined ? device === '1' : (event.locals.user?.elderMode ?? false);
	return resolve(event, {
		transformPageChunk: ({ html }) =>
			html.replace('%yizhan.elder%', event.locals.elder ? ' data-elder="1"' : '')
	});
};

/** A year, as HSTS preload lists ask; only sent when the public origin is https (see readConfig). */
const HSTS = 'max-age=31536000';

/**
 * Pages are never framed elsewhere and never sniffed; CSP comes from kit.csp in svelte.config.js.
 * Caching: nothing the app answers to a logged-in session is kept by the browser or a proxy (a shared
 * phone or an office computer must not show the roster, points or a meeting after logout), whatever a
 * route asked for; an anonymous answer is `private, no-store` too unless its route set its own
 * Cache-Control (the join page names a resident, the projector names speakers). The build's assets
 * are served before this hook, with their own long-lived headers.
 */
const handleHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	response.headers.set('X-Frame-Options', 'DENY');
	response.headers.set('X-Content-Type-Options', 'nosniff');
	response.headers.set('Referrer-Policy', 'same-origin');
	if (event.locals.session || !response.headers.has('cache-control'))
		response.headers.set('Cache-Control', 'private, no-store');
	if (readConfig().origin?.startsWith('https://')) response.headers.set('Strict-Transport-Security', HSTS);
	return response;
};

export const handle = sequence(handleServices, handleLocale, handleSession, handleElder, handleHeaders);
