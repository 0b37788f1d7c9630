/**
 * The authorization matrix: every action in the source tree against every role and
 * scope, each cell checked for real against the built server. An allowed cell must answer with success
 * and (where the row says how to look) take effect; a refused cell must answer 401/403/404, a redirect to
 * the login page, FORBIDDEN/UNAUTHENTICATED/NOT_FOUND, 4401/4403 or a dropped Yjs write, and change
 * nothing. A new action in src/ without a row fails the first test.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '$lib/server/db';
import { startServer, type TestServer } from '../helpers/server';
import { scanInventory } from '../helpers/authz-inventory';
import { socketsFor, type Outcome } from '../helpers/authz-probe';
import { buildWorld, ROLES, type Role } from '../helpers/authz-world';
import { makeFixtures, type Ctx } from '../helpers/authz-fixtures';
import { ROWS, type Row } from './authz-matrix.table';

const root = fileURLToPath(new URL('../..', import.meta.url));

let server: TestServer;
let db: Db;
let ctx: Ctx;
const sockets = socketsFor(() => server.url);
let counter = 0;

beforeAll(async () => {
	server = await startServer();
	db = openDatabase(server.dbPath);
	const w = buildWorld(db);
	const base = {
		url: server.url,
		w,
		sockets,
		cookie: (role: Role) => w.cookies[role],
		uniq: () => `${Date.now().toString(36)}${++counter}`
	};
	ctx = { ...base, fx: await makeFixtures(base) };
}, 60_000);

afterAll(async () => {
	await sockets.closeAll();
	db?.$client.close();
	await server?.cleanup();
});

type Cell = {
	row: string;
	role: Role;
	expected: 'allow' | 'deny';
	outcome: Outcome;
	effect?: boolean;
	/** The code this row is known to refuse this role with instead of a denial. */
	refusedWith?: string;
};

async function runCell(row: Row, role: Role): Promise<Cell> {
	const expected = row.allow.includes(role) ? 'allow' : 'deny';
	const name = row.variant ? `${row.id} [${row.variant}]` : row.id;
	try {
		const p = row.prepare ? await row.prepare(ctx, role) : undefined;
		const outcome = await row.run(ctx, role, p);
		const effect = row.effect ? row.effect(ctx, p, role) : undefined;
		return { row: name, role, expected, outcome, effect, refusedWith: row.refusedWith?.[role] };
	} catch (e) {
		return { row: name, role, expected, outcome: { verdict: 'other', detail: `threw ${String(e)}` } };
	}
}

function cellOk(c: Cell): boolean {
	if (c.expected === 'allow') return c.outcome.verdict === 'allow' && c.effect !== false;
	const refused =
		c.outcome.verdict === 'deny' ||
		(c.refusedWith !== undefined &&
			c.outcome.verdict === 'other' &&
			c.outcome.detail.includes(c.refusedWith));
	return refused && c.effect !== true;
}

describe('authorization matrix', () => {
	it('has a row for every action the source tree exposes, and no row for one it does not', () => {
		const inventory = scanInventory(root).map((a) => a.id);
		const rows = ROWS.map((r) => r.id);
		expect(
			inventory.filter((id) => !rows.includes(id)),
			'actions without a row'
		).toEqual([]);
		expect(
			rows.filter((id) => !inventory.includes(id)),
			'rows without an action'
		).toEqual([]);
		const keys = ROWS.map((r) => `${r.id} ${r.variant ?? ''}`);
		expect(
			keys.filter((k, i) => keys.indexOf(k) !== i),
			'duplicate rows'
		).toEqual([]);
	});

	it('allows exactly the roles each row names, and refuses everyone else with nothing changed', async () => {
		const cells: Cell[] = [];
		for (const row of ROWS)
			for (const role of ROLES) {
				const t = Date.now();
				const c = await runCell(row, role);
				cells.push(c);
				if (process.env.AUTHZ_REPORT)
					console.log(
						`${Date.now() - t}ms ${cellOk(c) ? 'ok ' : 'BAD'} ${c.row} ${c.role} ${c.expected} ${c.outcome.verdict} ${c.outcome.detail} ${c.effect ?? ''}`
					);
			}
		const wrong = cells.filter((c) => !cellOk(c));
		const show = (c: Cell) =>
			`${c.row} as ${c.role}: expected ${c.expected}, got ${c.outcome.verdict} (${c.outcome.detail})` +
			(c.effect === undefined ? '' : ` effect=${c.effect}`);
		if (process.env.AUTHZ_REPORT) {
			const allowed = cells.filter((c) => c.expected === 'allow').length;
			console.log(
				`authz matrix: ${ROWS.length} rows x ${ROLES.length} roles = ${cells.length} cells, ${allowed} allowed, ${cells.length - allowed} refused, ${wrong.length} wrong`
			);
		}
		expect(wrong.map(show)).toEqual([]);
	}, 600_000);
});
