/**
 * 5. Phone weight and speed: gzipped JS and CSS each phone page loads, summed from the build output;
 * first contentful paint and time to interactive of the phone meeting page in Chromium under
 * Lighthouse's mobile profile (150 ms RTT, 1.6 Mbps, 4× CPU) through CDP, median of 5; SSR
 * requests/s and p99 of that page for a logged-in resident next to /healthz of the same build.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import type { Db } from '$lib/server/db';
import { loadActor } from '$lib/server/authz';
import { openMeeting } from '$lib/server/domain/meetings';
import type { Child } from './lib/proc';
import { newBuilding, newMeeting, userNamed } from './lib/seed';
import { median, sleep, summarize } from './lib/stats';

const OUT = '.svelte-kit/output';
type ManifestEntry = { file: string; imports?: string[]; dynamicImports?: string[]; css?: string[] };

/** The routes a phone opens, by SvelteKit route id. */
export const PHONE_PAGES = {
	meeting: '/m/[id]',
	ballot: '/m/[id]/poll/[pollId]',
	rulesEditor: '/rules'
} as const;

export type Weight = {
	jsKB: number;
	cssKB: number;
	files: number;
	/** The three largest files, with a guess at what is in them. */
	largest: Array<{ file: string; kB: number; holds: string }>;
};

/** A rough label for a chunk, from strings only its library would contain. */
function holds(text: string): string {
	const found: string[] = [];
	if (/engine\.io|socket\.io/.test(text)) found.push('socket.io-client');
	if (/Y\.Doc|yjs/i.test(text)) found.push('Yjs');
	if (/prosemirror|tiptap/i.test(text)) found.push('ProseMirror/Tiptap');
	const cjk = text.match(/[\u4e00-\u9fff]/g)?.length ?? 0;
	if (cjk > 3000) found.push(`messages (${cjk} CJK characters)`);
	if (/\$\$props|svelte/.test(text) && found.length === 0) found.push('Svelte runtime or components');
	return found.join(', ') || 'app code';
}

/**
 * Every JS and CSS file a first visit to the route loads: the client entry, the route's layouts and
 * page with their static imports, and what the page itself imports lazily (the rules editor's
 * ProseMirror is loaded that way). Gzip level 9, as a static server would precompress.
 */
export function pageWeight(routeId: string): Weight {
	const manifest = JSON.parse(readFileSync(join(OUT, 'client/.vite/manifest.json'), 'utf8')) as Record<
		string,
		ManifestEntry
	>;
	const server = readFileSync(join(OUT, 'server/manifest.js'), 'utf8');
	const at = server.indexOf(`id: ${JSON.stringify(routeId)},`);
	if (at < 0) throw new Error(`route ${routeId} not in the build`);
	const page = /page: \{ layouts: \[([^\]]*)\], errors: \[[^\]]*\], leaf: (\d+) \}/.exec(server.slice(at))!;
	const nodes = [...page[1].split(',').filter(Boolean).map(Number), Number(page[2])];
	const files = new Set<string>();
	const visit = (key: string, lazy: boolean) => {
		const e = manifest[key];
		if (!e || files.has(e.file)) return;
		files.add(e.file);
		for (const c of e.css ?? []) files.add(c);
		for (const i of e.imports ?? []) visit(i, false);
		if (lazy) for (const i of e.dynamicImports ?? []) visit(i, false);
	};
	for (const key of Object.keys(manifest))
		if (manifest[key].file.includes('/entry/start.')) visit(key, false);
	visit('.svelte-kit/generated/client-optimized/app.js', false);
	for (const [i, n] of nodes.entries())
		visit(`.svelte-kit/generated/client-optimized/nodes/${n}.js`, i === nodes.length - 1);
	let js = 0;
	let css = 0;
	const sizes: Array<{ file: string; kB: number; holds: string }> = [];
	for (const f of files) {
		const raw = readFileSync(join(OUT, 'client', f));
		const size = gzipSync(raw, { level: 9 }).byteLength;
		if (f.endsWith('.css')) css += size;
		else {
			js += size;
			sizes.push({ file: f.split('/').pop()!, kB: size / 1024, holds: holds(raw.toString('utf8')) });
		}
	}
	const largest = sizes.sort((a, b) => b.kB - a.kB).slice(0, 3);
	return { jsKB: js / 1024, cssKB: css / 1024, files: files.size, largest };
}

export type SpeedResult = { fcpMs: number; ttiMs: number; runs: Array<{ fcp: number; tti: number }> };

/** FCP and a Lighthouse-style TTI: the end of the last long task before 5 s without one. */
async function pageSpeed(
	url: string,
	cookie: { name: string; value: string },
	runs: number
): Promise<SpeedResult> {
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--no-first-run'
		]
	});
	const out: Array<{ fcp: number; tti: number }> = [];
	try {
		for (let i = 0; i < runs; i++) {
			const context = await browser.newContext({
				viewport: { width: 360, height: 740 },
				deviceScaleFactor: 2,
				isMobile: true,
				hasTouch: true,
				locale: 'zh-CN'
			});
			await context.addCookies([{ ...cookie, url }]);
			const page = await context.newPage();
			await page.addInitScript(() => {
				const w = window as unknown as { __longTasks: number[] };
				w.__longTasks = [];
				new PerformanceObserver((list) => {
					for (const e of list.getEntries()) w.__longTasks.push(e.startTime + e.duration);
				}).observe({ type: 'longtask', buffered: true });
			});
			const cdp = await context.newCDPSession(page);
			await cdp.send('Network.enable');
			await cdp.send('Network.emulateNetworkConditions', {
				offline: false,
				latency: 150,
				downloadThroughput: (1.6 * 1024 * 1024) / 8,
				uploadThroughput: (750 * 1024) / 8
			});
			await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
			await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
			// Wait for a 5 s window without long tasks (at most 25 s).
			const t0 = Date.now();
			for (;;) {
				const { now, last } = await page.evaluate(() => ({
					now: performance.now(),
					last: Math.max(0, ...(window as unknown as { __longTasks: number[] }).__longTasks)
				}));
				if (now - last >= 5000 || Date.now() - t0 > 25_000) break;
				await sleep(500);
			}
			const m = await page.evaluate(() => {
				const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN;
				const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
				const last = Math.max(0, ...(window as unknown as { __longTasks: number[] }).__longTasks);
				return { fcp, tti: Math.max(fcp, nav.domContentLoadedEventEnd, last) };
			});
			out.push(m);
			await context.close();
		}
	} finally {
		await browser.close();
	}
	return { fcpMs: median(out.map((r) => r.fcp)), ttiMs: median(out.map((r) => r.tti)), runs: out };
}

export type SsrResult = { reqPerS: number; p50: number; p99: number; errors: number };

/** A keep-alive loop: `concurrency` requests in flight for `seconds`. */
async function ssr(
	baseUrl: string,
	path: string,
	cookie: string | undefined,
	seconds: number
): Promise<SsrResult> {
	const agent = new Agent({ keepAlive: true, maxSockets: 8 });
	const u = new URL(path, baseUrl);
	const lat: number[] = [];
	let errors = 0;
	const end = performance.now() + seconds * 1000;
	const one = () =>
		new Promise<void>((resolve) => {
			const t = performance.now();
			const req = request(
				{ host: u.hostname, port: u.port, path: u.pathname, agent, headers: cookie ? { cookie } : {} },
				(res) => {
					res.resume();
					res.on('end', () => {
						if (res.statusCode !== 200) errors++;
						lat.push(performance.now() - t);
						resolve();
					});
				}
			);
			req.on('error', () => {
				errors++;
				resolve();
			});
			req.end();
		});
	const t0 = performance.now();
	await Promise.all(
		Array.from({ length: 8 }, async () => {
			while (performance.now() < end) await one();
		})
	);
	const wallS = (performance.now() - t0) / 1000;
	agent.destroy();
	const s = summarize(lat);
	return { reqPerS: lat.length / wallS, p50: s.p50, p99: s.p99, errors };
}

export type PhoneResult = {
	weight: Record<keyof typeof PHONE_PAGES, Weight>;
	speed: SpeedResult | null;
	speedError?: string;
	ssr: { meeting: SsrResult; healthz: SsrResult };
};

export async function phone(app: Child, db: Db, log: (s: string) => void): Promise<PhoneResult> {
	const weight = Object.fromEntries(
		Object.entries(PHONE_PAGES).map(([name, route]) => [name, pageWeight(route)])
	) as Record<keyof typeof PHONE_PAGES, Weight>;
	for (const [name, w] of Object.entries(weight))
		log(
			`weight ${name}: ${w.jsKB.toFixed(1)} KB JS + ${w.cssKB.toFixed(1)} KB CSS gzipped (${w.files} files)`
		);

	const { buildingId, people } = newBuilding(db, '手机楼', 30);
	const { meetingId } = newMeeting(db, buildingId);
	openMeeting(db, loadActor(db, userNamed(db, 'facilitator')), meetingId);
	const cookie = people[0].cookie;
	const meetingPath = `/m/${meetingId}`;

	const seconds = Number(process.env.BENCH_SSR_S ?? 3);
	const runs = { meeting: [] as SsrResult[], healthz: [] as SsrResult[] };
	for (let rep = 0; rep < 2; rep++) {
		for (const which of rep % 2 === 0
			? (['meeting', 'healthz'] as const)
			: (['healthz', 'meeting'] as const)) {
			const r = await ssr(
				app.url,
				which === 'meeting' ? meetingPath : '/healthz',
				which === 'meeting' ? cookie : undefined,
				seconds
			);
			runs[which].push(r);
			log(
				`ssr ${which} #${rep + 1}: ${r.reqPerS.toFixed(0)} req/s, p99 ${r.p99.toFixed(1)} ms, ${r.errors} errors`
			);
		}
	}
	const best = (rs: SsrResult[]) => ({
		reqPerS: median(rs.map((r) => r.reqPerS)),
		p50: median(rs.map((r) => r.p50)),
		p99: median(rs.map((r) => r.p99)),
		errors: rs.reduce((s, r) => s + r.errors, 0)
	});

	let speed: SpeedResult | null = null;
	let speedError: string | undefined;
	try {
		const [name, value] = cookie.split('=');
		speed = await pageSpeed(app.url + meetingPath, { name, value }, Number(process.env.BENCH_PAGE_RUNS ?? 5));
		log(
			`meeting page on the mobile profile: FCP ${speed.fcpMs.toFixed(0)} ms, TTI ${speed.ttiMs.toFixed(0)} ms (median of ${speed.runs.length})`
		);
	} catch (e) {
		speedError = (e as Error).message.split('\n')[0];
		log(`page speed skipped: ${speedError}`);
	}
	return { weight, speed, speedError, ssr: { meeting: best(runs.meeting), healthz: best(runs.healthz) } };
}
