/** The points standings as a file for staff, with column names in the requester's language. */
import { m } from '$lib/paraglide/messages';
import type { Db } from '../db';
import type { Actor } from '../authz';
import { pointsStandings } from '../domain/points-views';
import { toCsv } from './csv';

/** The standings as CSV for Excel (names and notes are typed text: formulas are neutralized). */
export function standingsCsv(
	db: Db,
	actor: Actor | null,
	filter: { buildingId?: number | null } = {},
	now = Date.now()
) {
	const { year, rows } = pointsStandings(db, actor, filter, now);
	return toCsv([
		[
			m.points_csv_building(),
			m.points_csv_unit(),
			m.points_csv_name(),
			m.points_csv_balance(),
			m.points_csv_earned({ year }),
			m.points_csv_deducted({ year }),
			m.points_csv_redeemed({ year })
		],
		...rows.map((r) => [r.building, r.unit, r.name, r.balance, r.earned, r.deducted, r.redeemed])
	]);
}
