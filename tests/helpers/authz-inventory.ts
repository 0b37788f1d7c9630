/**
 * Every action the source tree exposes, found by reading it: form actions (the keys of `export const
 * actions` in src/routes/**\/+page.server.ts), page loads of those files, the HTTP methods a +server.ts
 * exports, and the Socket.IO events src/lib/server/realtime/*.ts registers with `socket.on`. Plus the
 * Yjs document kinds named in src/lib/server/domain/documents.ts. The matrix must have a row for each.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

function walk(dir: string, out: string[] = []): string[] {
	for (const name of readdirSync(dir)) {
		const p = join(dir, name);
		if (statSync(p).isDirectory()) walk(p, out);
		else out.push(p);
	}
	return out;
}

/** /m/[id]/poll/[pollId] for src/routes/m/[id]/poll/[pollId]/+page.server.ts; groups like (app) drop out. */
function routeOf(routesDir: string, file: string): string {
	const parts = relative(routesDir, file).split(sep).slice(0, -1);
	return '/' + parts.filter((p) => !/^\(.*\)$/.test(p)).join('/');
}

/** The keys of the object literal after `export const actions` (top-level keys only). */
export function actionKeys(source: string): string[] {
	const start = source.search(/export const actions\b[^=]*=\s*\{/);
	if (start < 0) return [];
	let i = source.indexOf('{', start) + 1;
	let depth = 1;
	let line = '';
	const keys: string[] = [];
	for (; i < source.length && depth > 0; i++) {
		const c = source[i];
		if (c === '{' || c === '(' || c === '[') depth++;
		else if (c === '}' || c === ')' || c === ']') depth--;
		if (c === '\n') {
			line = '';
			continue;
		}
		line += c;
		if (depth === 1 && c === ':') {
			const m = line.match(/^\s*(?:\/\*.*?\*\/\s*)?['"]?([A-Za-z_$][\w$]*)['"]?\s*:$/);
			if (m) keys.push(m[1]);
		}
	}
	// Shorthand and method syntax (`default,` / `async save(e) {`) are not used in this code base; a
	// file that has actions but yields no key fails the completeness test below rather than pass.
	return keys;
}

export type Inventory = { id: string; file: string }[];

export function scanInventory(root: string): Inventory {
	const routesDir = join(root, 'src/routes');
	const found: Inventory = [];
	for (const file of walk(routesDir).sort()) {
		const rel = relative(root, file);
		const route = routeOf(routesDir, file);
		const src = readFileSync(file, 'utf8');
		if (file.endsWith('+page.server.ts') || file.endsWith('+layout.server.ts')) {
			const kind = file.endsWith('+page.server.ts') ? 'page' : 'layout';
			if (/export\s+(?:const|async function|function)\s+load\b/.test(src))
				found.push({ id: `load ${kind} ${route}`, file: rel });
			for (const key of actionKeys(src)) found.push({ id: `action ${route}?/${key}`, file: rel });
			if (/export const actions\b/.test(src) && actionKeys(src).length === 0)
				found.push({ id: `action ${route}?/<unparsed>`, file: rel });
		} else if (file.endsWith('+server.ts')) {
			for (const m of src.matchAll(
				/export\s+(?:const|async function|function)\s+(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|fallback)\b/g
			))
				found.push({ id: `${m[1]} ${route}`, file: rel });
		}
	}
	const realtimeDir = join(root, 'src/lib/server/realtime');
	for (const file of walk(realtimeDir).sort()) {
		if (!file.endsWith('.ts')) continue;
		const src = readFileSync(file, 'utf8');
		for (const m of src.matchAll(/socket\.on\(\s*['"]([^'"]+)['"]/g))
			found.push({ id: `socket ${m[1]}`, file: relative(root, file) });
	}
	const docs = readFileSync(join(root, 'src/lib/server/domain/documents.ts'), 'utf8');
	for (const m of docs.matchAll(/re: \/\^([a-z]+):/g)) {
		found.push({ id: `yjs read ${m[1]}`, file: 'src/lib/server/domain/documents.ts' });
		found.push({ id: `yjs write ${m[1]}`, file: 'src/lib/server/domain/documents.ts' });
	}
	return found;
}
