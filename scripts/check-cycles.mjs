/**
 * Fails when modules under src/ import each other in a cycle. Type-only imports do not count: they
 * vanish at build time and cannot leave a module half-initialised. Run by `npm run lint:cycles`.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const src = join(root, 'src');
const skip = new Set([join(src, 'lib/paraglide')]);

function listFiles(dir) {
	const out = [];
	for (const name of readdirSync(dir)) {
		const p = join(dir, name);
		if (skip.has(p)) continue;
		if (statSync(p).isDirectory()) out.push(...listFiles(p));
		else if (/\.(ts|svelte)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
	}
	return out;
}

function scriptText(file) {
	const text = readFileSync(file, 'utf8');
	if (!file.endsWith('.svelte')) return text;
	return [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
}

/** Specifiers this file imports at run time (skips `import type` and all-type named imports). */
function runtimeImports(file) {
	const sf = ts.createSourceFile(file, scriptText(file), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
	const specs = [];
	for (const st of sf.statements) {
		if (ts.isImportDeclaration(st)) {
			const c = st.importClause;
			if (c?.isTypeOnly) continue;
			const named = c?.namedBindings;
			if (c && !c.name && named && ts.isNamedImports(named) && named.elements.every((e) => e.isTypeOnly))
				continue;
			specs.push(st.moduleSpecifier.text);
		} else if (ts.isExportDeclaration(st) && st.moduleSpecifier && !st.isTypeOnly) {
			const named = st.exportClause;
			if (named && ts.isNamedExports(named) && named.elements.every((e) => e.isTypeOnly)) continue;
			specs.push(st.moduleSpecifier.text);
		}
	}
	return specs;
}

function resolveSpec(from, spec) {
	let base;
	if (spec.startsWith('$lib/') || spec === '$lib') base = join(src, 'lib', spec.slice(5));
	else if (spec.startsWith('.')) base = resolve(dirname(from), spec);
	else return null;
	const stem = base.replace(/\.js$/, '');
	for (const p of [base, `${stem}.ts`, join(base, 'index.ts')])
		if (existsSync(p) && statSync(p).isFile()) return p;
	return null;
}

const files = listFiles(src);
const graph = new Map(
	files.map((f) => [
		f,
		runtimeImports(f)
			.map((s) => resolveSpec(f, s))
			.filter((p) => p !== null)
	])
);

// Tarjan's strongly connected components: every component of more than one module is a cycle.
let index = 0;
const idx = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];
function visit(v) {
	idx.set(v, index);
	low.set(v, index++);
	stack.push(v);
	onStack.add(v);
	for (const w of graph.get(v) ?? []) {
		if (!idx.has(w)) {
			visit(w);
			low.set(v, Math.min(low.get(v), low.get(w)));
		} else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
	}
	if (low.get(v) === idx.get(v)) {
		const comp = [];
		let w;
		do {
			w = stack.pop();
			onStack.delete(w);
			comp.push(w);
		} while (w !== v);
		if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(comp);
	}
}
for (const f of files) if (!idx.has(f)) visit(f);

if (cycles.length) {
	console.error(`Import cycles in src/ (${cycles.length}); break each by moving what both sides need:`);
	for (const c of cycles)
		console.error(
			'  ' +
				c
					.map((f) => relative(root, f))
					.sort()
					.join(' ↔ ')
		);
	process.exit(1);
}
console.log(`No import cycles among ${files.length} modules in src/.`);
