/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * The installed app's service worker. It keeps the app's own files (scripts, styles, icons) so pages
 * open fast on weak 4G, and when a page cannot load because the phone is offline it says so plainly.
 * It never stores a page or an answer from the server, and never holds a ballot or a check-in to send
 * later: a ballot is retried by the page itself while it is open (src/lib/realtime), and counted once.
 */
import { build, files, version } from '$service-worker';
import { m } from '$lib/paraglide/messages';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `yizhan-${version}`;
const ASSETS = new Set([...build, ...files]);

sw.addEventListener('install', (event) => {
	event.waitUntil(
		caches
			.open(CACHE)
			.then((cache) => cache.addAll([...ASSETS]))
			.then(() => sw.skipWaiting())
	);
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		caches
			.keys()
			.then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
			.then(() => sw.clients.claim())
	);
});

/** Both languages, Chinese first: the phone's language choice lives in a cookie a worker cannot read. */
function offlinePage(): Response {
	const both = (key: 'offline_title' | 'offline_body' | 'offline_retry') =>
		[m[key]({}, { locale: 'zh' }), m[key]({}, { locale: 'en' })] as const;
	const [title, body, retry] = [both('offline_title'), both('offline_body'), both('offline_retry')];
	const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="theme-color" content="#9b1c1c">
<title>${title[0]}</title><style>body{font:20px/1.5 sans-serif;margin:0;padding:1.5rem;color:#111}
h1{color:#9b1c1c}a{display:inline-block;min-height:60px;min-width:60px;padding:0 1.5rem;line-height:60px;
background:#9b1c1c;color:#fff;border-radius:8px;text-decoration:none;font-weight:700}p.en{color:#444;font-size:18px}</style>
</head><body><main><h1>${title[0]}</h1><p>${body[0]}</p><p class="en" lang="en">${title[1]}. ${body[1]}</p>
<p><a href="">${retry[0]} · <span lang="en">${retry[1]}</span></a></p></main></body></html>`;
	return new Response(html, {
		status: 503,
		headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }
	});
}

sw.addEventListener('fetch', (event) => {
	const { request } = event;
	if (request.method !== 'GET') return;
	const url = new URL(request.url);
	if (url.origin !== sw.location.origin) return;
	if (ASSETS.has(url.pathname)) {
		event.respondWith(caches.match(request).then((hit) => hit ?? fetch(request)));
		return;
	}
	// Pages always come from the server; only when it cannot be reached does the worker answer.
	if (request.mode === 'navigate') event.respondWith(fetch(request).catch(() => offlinePage()));
});
