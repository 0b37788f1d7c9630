import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { household, resident } from '$lib/server/db/schema';
import { parseRosterCsv, importRoster } from '$lib/server/domain/roster-import';
import { parseArea, setOwnership, setRollFlags } from '$lib/server/domain/roster-rolls';
import { demoDb, residentActor, staff } from '../helpers/demo-db';

describe('the voter rolls on the roster', () => {
	it('reads floor areas exactly in hundredths of m², with or without a unit, and refuses others', () => {
		expect(parseArea('89.35')).toBe(8935);
		expect(parseArea('89.3㎡')).toBe(8930);
		expect(parseArea(' 120 平方米')).toBe(12000);
		expect(parseArea('')).toBeUndefined();
		for (const bad of ['89.355', '-3', '0', 'abc', '1,200']) expect(parseArea(bad)).toBeNull();
	});

	it('imports areas, owners and representative marks, and reports bad cells by row', () => {
		const ok = parseRosterCsv(
			[
				'楼栋,门牌,姓名,专有部分面积,业主编号,户代表,村民代表',
				'9栋,101,甲,89.35,F-1,是,否',
				'9栋,101,乙,,,否,是'
			].join('\n')
		);
		expect(ok.errors).toEqual([]);
		expect(ok.rows[0]).toMatchObject({ floorArea: 8935, ownerKey: 'F-1', householdRepresentative: true });
		expect(ok.rows[1]).toMatchObject({ householdRepresentative: false, villagerRepresentative: true });
		const bad = parseRosterCsv(['楼栋,门牌,姓名,面积,户代表', '9栋,101,甲,八十,也许'].join('\n'));
		expect(bad.errors).toEqual([
			{ line: 2, field: 'floorArea', code: 'BAD_AREA' },
			{ line: 2, field: 'householdRepresentative', code: 'BAD_FLAG' }
		]);
	});

	it('keeps one 户代表 per household, on import and by hand', async () => {
		const db = await demoDb();
		const { rows } = parseRosterCsv(
			['楼栋,门牌,姓名,户代表,面积', '9栋,101,甲,是,70', '9栋,101,乙,是,'].join('\n')
		);
		importRoster(db, 1, rows);
		const reps = () =>
			db
				.select({ name: resident.name, rep: resident.householdRepresentative })
				.from(resident)
				.where(eq(resident.householdRepresentative, true))
				.all()
				.map((r) => r.name);
		expect(reps()).toEqual(['乙']);
		const a = db.select().from(resident).where(eq(resident.name, '甲')).get()!;
		const admin = staff(db, 'admin');
		setRollFlags(db, admin, {
			residentId: a.id,
			adult: null,
			householdRepresentative: true,
			villagerRepresentative: false
		});
		expect(reps()).toEqual(['甲']);
		expect(db.select().from(household).where(eq(household.id, a.householdId)).get()!.floorArea).toBe(7000);
	});

	it('lets only the admin set ownership, and refuses a nonsense area without changing anything', async () => {
		const db = await demoDb();
		const admin = staff(db, 'admin');
		const h = db.select().from(household).get()!;
		expect(() =>
			setOwnership(db, admin, { householdId: h.id, floorArea: -5, ownerKey: 'X', unsold: false })
		).toThrow('INVALID_INPUT');
		expect(() =>
			setOwnership(db, staff(db, 'facilitator'), {
				householdId: h.id,
				floorArea: 100,
				ownerKey: null,
				unsold: false
			})
		).toThrow('FORBIDDEN');
		expect(() =>
			setRollFlags(db, residentActor(db, '1栋', 0), {
				residentId: 1,
				adult: true,
				householdRepresentative: false,
				villagerRepresentative: false
			})
		).toThrow('FORBIDDEN');
		expect(db.select().from(household).where(eq(household.id, h.id)).get()).toEqual(h);
		setOwnership(db, admin, { householdId: h.id, floorArea: 10050, ownerKey: ' F-9 ', unsold: false });
		expect(db.select().from(household).where(eq(household.id, h.id)).get()).toMatchObject({
			floorArea: 10050,
			ownerKey: 'F-9',
			unsold: false
		});
	});
});
