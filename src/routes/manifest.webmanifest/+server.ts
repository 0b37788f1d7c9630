import { manifestCommunity } from '$lib/server/domain/app-manifest';
import { m } from '$lib/paraglide/messages';
import type { RequestHandler } from './$types';

/**
 * The web app manifest: installed from the browser's menu, Yizhan opens full screen from the home
 * screen under the community's name. `start_url` is the home page, which sends each role on.
 */
export const GET: RequestHandler = ({ locals }) => {
	const place = manifestCommunity(locals.services.db, locals.actor);
	const manifest = {
		id: '/',
		name: place ? `${m.app_name()} · ${place}` : m.app_name(),
		short_name: place ?? m.app_name(),
		description: m.pwa_description(),
		lang: m.pwa_lang(),
		start_url: '/',
		scope: '/',
		display: 'standalone',
		orientation: 'any',
		background_color: '#ffffff',
		theme_color: '#9b1c1c',
		icons: [
			{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
			{ src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
			{ src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' }
		]
	};
	return new Response(JSON.stringify(manifest), {
		headers: { 'content-type': 'application/manifest+json; charset=utf-8', 'cache-control': 'no-cache' }
	});
};
