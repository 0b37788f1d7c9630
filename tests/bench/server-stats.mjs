/**
 * Bench-only preload (`node --import ./tests/bench/server-stats.mjs …`): answers the harness over the
 * child-process IPC channel with this process's CPU time, memory and event-loop delay. Nothing in
 * src/ knows about it; without an IPC channel it does nothing.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

if (process.send) {
	const eld = monitorEventLoopDelay({ resolution: 2 });
	eld.enable();
	let peakRss = 0;
	const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
	sampler.unref();
	process.on('message', (msg) => {
		if (!msg || typeof msg !== 'object' || !('bench' in msg)) return;
		const { bench, id } = msg;
		if (bench === 'gc' && typeof globalThis.gc === 'function') {
			globalThis.gc();
			globalThis.gc();
		}
		const mem = process.memoryUsage();
		peakRss = Math.max(peakRss, mem.rss);
		const cpu = process.cpuUsage();
		const reply = {
			id,
			cpuUs: cpu.user + cpu.system,
			rss: mem.rss,
			heapUsed: mem.heapUsed,
			peakRss,
			eld: { p50: eld.percentile(50) / 1e6, p99: eld.percentile(99) / 1e6, max: eld.max / 1e6 }
		};
		if (bench === 'reset') {
			eld.reset();
			peakRss = mem.rss;
		}
		process.send?.(reply);
	});
	process.channel?.unref();
}
