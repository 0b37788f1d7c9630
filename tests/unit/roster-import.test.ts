import { describe, it, expect } from 'vitest';
import iconv from 'iconv-lite';
import { count } from 'drizzle-orm';
import type { Db } from '../../src/lib/server/db';
import { emptyDb } from '../helpers/db-templates';
import {
	community,
	estate,
	grid,
	building,
	household,
	householdGroup,
	resident
} from '../../src/lib/server/db/schema';
import {
	decodeCsv,
	parseRosterCsv,
	importColumns,
	importRoster,
	importRosterCsv
} from '../../src/lib/server/domain/roster-import';
import { DomainError } from '../../src/lib/server/domain/errors';
import type { Actor } from '../../src/lib/server/authz';

const utf8 = (s: string) => new TextEncoder().encode(s);
const withBom = (b: Uint8Array) => new Uint8Array([0xef, 0xbb, 0xbf, ...b]);

const CHINESE_CSV = [
	'小区,楼栋,门牌,姓名,手机,出生年份,联户,网格',
	'富春小区,1栋,2单元301,张桂芳,13812345678,1956,一组,第一网格',
	'富春小区,1栋,2单元301,李建国,,1953,一组,第一网格',
	'富春小区,2栋,101,王秀英,0870-2123456,,二组,第一网格',
	'湖畔小区,1栋,101,赵明,,,,'
].join('\r\n');

function newDb(): { db: Db; communityId: number } {
	const db = emptyDb();
	const { id } = db.insert(community).values({ name: '湖畔社区' }).returning({ id: community.id }).get();
	return { db, communityId: id };
}

function counts(db: Db) {
	type Table =
		| typeof estate
		| typeof grid
		| typeof building
		| typeof household
		| typeof householdGroup
		| typeof resident;
	const n = (t: Table) => db.select({ n: count() }).from(t).get()!.n;
	return {
		estates: n(estate),
		grids: n(grid),
		buildings: n(building),
		households: n(household),
		groups: n(householdGroup),
		residents: n(resident)
	};
}

function importError(fn: () => unknown): { code: string; errors: unknown[] } {
	try {
		fn();
	} catch (e) {
		if (e instanceof DomainError) return { code: e.code, errors: e.details?.errors as unknown[] };
		throw e;
	}
	throw new Error('expected a DomainError');
}

describe('decodeCsv', () => {
	it('decodes UTF-8 with a BOM and drops the BOM', () => {
		expect(decodeCsv(withBom(utf8('姓名,楼栋\n张三,1栋')))).toBe('姓名,楼栋\n张三,1栋');
	});

	it('decodes UTF-8 without a BOM', () => {
		expect(decodeCsv(utf8('姓名\n张三'))).toBe('姓名\n张三');
	});

	it('decodes GB18030 bytes as Excel in China writes them', () => {
		const bytes = iconv.encode(CHINESE_CSV, 'gb18030');
		expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
		expect(decodeCsv(bytes)).toBe(CHINESE_CSV);
	});

	it('decodes UTF-16LE with a BOM (Excel "Unicode text")', () => {
		const bytes = new Uint8Array([0xff, 0xfe, ...iconv.encode('姓名\t楼栋\n张三\t1栋', 'utf-16le')]);
		expect(decodeCsv(bytes)).toBe('姓名\t楼栋\n张三\t1栋');
	});
});

describe('parseRosterCsv', () => {
	it('reads English headers', () => {
		const { rows, errors } = parseRosterCsv(
			'estate,building,unit,name,phone,birthYear,group,grid\nFuchun,B1,301,Zhang San,13812345678,1956,G1,Grid 1\n'
		);
		expect(errors).toEqual([]);
		expect(rows).toEqual([
			{
				line: 2,
				estate: 'Fuchun',
				building: 'B1',
				unit: '301',
				name: 'Zhang San',
				phone: '13812345678',
				birthYear: 1956,
				group: 'G1',
				grid: 'Grid 1'
			}
		]);
	});

	it('reads Chinese headers in any order, with spaces around headers and values', () => {
		const { rows, errors } = parseRosterCsv(
			' 姓名 , 手机号 ,房号, 楼号 ,出生年\n 张桂芳 , 13812345678 , 301 , 1栋 , 1956 \n'
		);
		expect(errors).toEqual([]);
		expect(rows).toEqual([
			{ line: 2, building: '1栋', unit: '301', name: '张桂芳', phone: '13812345678', birthYear: 1956 }
		]);
	});

	it('keeps a comma and a line break inside a quoted field, counting the record as one Excel row', () => {
		const { rows, errors } = parseRosterCsv(
			'楼栋,门牌,姓名\n"1栋,东侧",101,张三\n2栋,"102\n（阁楼）",李四\n3栋,,王五\n'
		);
		expect(rows.map((r) => [r.line, r.building, r.unit])).toEqual([
			[2, '1栋,东侧', '101'],
			[3, '2栋', '102\n（阁楼）']
		]);
		expect(errors).toEqual([{ line: 4, field: 'unit', code: 'MISSING_FIELD' }]);
	});

	it('reports bad rows with their Excel line numbers and codes, counting skipped empty lines', () => {
		const csv = [
			'楼栋,门牌,姓名,电话,出生年份',
			'1栋,101,张三,13812345678,1950',
			'',
			'1栋,102,,12345,1950',
			' , , , , ',
			'1栋,103,李四,0870-2123456,1850',
			'1栋,101,张三,,',
			'1栋,104,王五,+86 138 1234 5678,2999'
		].join('\n');
		const { rows, errors } = parseRosterCsv(csv);
		expect(rows.map((r) => r.line)).toEqual([2]);
		expect(errors).toEqual([
			{ line: 4, field: 'name', code: 'MISSING_FIELD' },
			{ line: 4, field: 'phone', code: 'BAD_PHONE' },
			{ line: 6, field: 'birthYear', code: 'BAD_BIRTH_YEAR' },
			{ line: 7, code: 'DUPLICATE_ROW' },
			{ line: 8, field: 'birthYear', code: 'BAD_BIRTH_YEAR' }
		]);
	});

	it('normalises phone numbers written with spaces or +86', () => {
		const { rows } = parseRosterCsv(
			'楼栋,门牌,姓名,电话\n1栋,101,张三,+86 138 1234 5678\n1栋,102,李四,2123456\n'
		);
		expect(rows.map((r) => r.phone)).toEqual(['13812345678', '2123456']);
	});

	it('rejects unknown, duplicate and missing headers as file-level errors', () => {
		expect(parseRosterCsv('楼栋,姓名,身份证,电话,手机\n1栋,张三,x,,\n')).toEqual({
			rows: [],
			errors: [
				{ line: 1, field: '身份证', code: 'UNKNOWN_HEADER' },
				{ line: 1, field: '手机', code: 'DUPLICATE_HEADER' },
				{ line: 1, field: 'unit', code: 'MISSING_HEADER' }
			],
			duplicates: 0
		});
	});

	it('reports an empty file, and a file with only a header, as EMPTY_FILE', () => {
		expect(parseRosterCsv('').errors).toEqual([{ line: 1, code: 'EMPTY_FILE' }]);
		expect(parseRosterCsv('\n \n').errors).toEqual([{ line: 1, code: 'EMPTY_FILE' }]);
		expect(parseRosterCsv('楼栋,门牌,姓名\n\n').errors).toEqual([{ line: 1, code: 'EMPTY_FILE' }]);
	});

	it('reports cells beyond the header (an unquoted comma) as EXTRA_COLUMNS', () => {
		expect(parseRosterCsv('楼栋,门牌,姓名\n1栋,101,张,三\n').errors).toEqual([
			{ line: 2, code: 'EXTRA_COLUMNS' }
		]);
	});

	it('reports every error of a file with an unbalanced quote, going on after the broken row', () => {
		const csv = [
			'楼栋,门牌,姓名,电话',
			'1栋,101,张三,12345',
			'1栋,"102,李四,',
			'1栋,103,王五,abc',
			'1栋,"104",赵六,13812345678',
			'1栋,105,孙七,1381234567',
			'1栋,106,周八,'
		].join('\n');
		const { rows, errors } = parseRosterCsv(csv);
		expect(errors).toEqual([
			{ line: 2, field: 'phone', code: 'BAD_PHONE' },
			{ line: 3, code: 'MALFORMED_CSV' },
			{ line: 4, field: 'phone', code: 'BAD_PHONE' },
			{ line: 6, field: 'phone', code: 'BAD_PHONE' }
		]);
		expect(rows.map((r) => [r.line, r.name])).toEqual([
			[5, '赵六'],
			[7, '周八']
		]);
	});

	it('accepts a mobile written with +86, spaces and dashes, and stores the 11 digits', () => {
		const { rows, errors } = parseRosterCsv(
			[
				'楼栋,门牌,姓名,电话',
				'1栋,101,张三,+86 138-0000-0001',
				'1栋,102,李四,138-0000-0002',
				'1栋,103,王五,0086 138 0000 0003',
				'1栋,104,赵六,(+86)13800000004'
			].join('\n')
		);
		expect(errors).toEqual([]);
		expect(rows.map((r) => r.phone)).toEqual(['13800000001', '13800000002', '13800000003', '13800000004']);
	});

	it('skips a row that repeats an earlier one exactly, and counts it', () => {
		const { rows, errors, duplicates } = parseRosterCsv(
			['楼栋,门牌,姓名,电话', '1栋,101,张三,13812345678', '1栋,102,李四,', '1栋,101,张三,13812345678'].join(
				'\n'
			)
		);
		expect(errors).toEqual([]);
		expect(duplicates).toBe(1);
		expect(rows.map((r) => r.line)).toEqual([2, 3]);
	});

	it('lists every column it reads for the import page, owners’ and representatives’ columns too', () => {
		const columns = importColumns();
		expect(columns.map((c) => c.field)).toEqual([
			'estate',
			'building',
			'unit',
			'name',
			'phone',
			'birthYear',
			'group',
			'grid',
			'floorArea',
			'ownerKey',
			'householdRepresentative',
			'villagerRepresentative'
		]);
		expect(columns.filter((c) => c.required).map((c) => c.field)).toEqual(['building', 'unit', 'name']);
		const headersOf = (f: string) => columns.find((c) => c.field === f)!.headers;
		expect(headersOf('floorArea')).toContain('专有部分面积');
		expect(headersOf('ownerKey')).toContain('业主编号');
		expect(headersOf('householdRepresentative')[0]).toBe('户代表');
		expect(headersOf('villagerRepresentative')[0]).toBe('村民代表');
		// Every header the page lists is one the parser reads as that column.
		const sample: Record<string, string> = { building: '1栋', unit: '101', name: '张三' };
		for (const c of columns)
			for (const h of c.headers) {
				const headers = { building: '楼栋', unit: '门牌', name: '姓名', [c.field]: h };
				const fields = Object.keys(headers) as (keyof typeof headers)[];
				const csv = [fields.map((f) => headers[f]).join(','), fields.map((f) => sample[f] ?? '').join(',')];
				expect(parseRosterCsv(csv.join('\n')).errors, `${c.field}: ${h}`).toEqual([]);
			}
	});

	it('reports an unclosed quote as MALFORMED_CSV instead of throwing', () => {
		expect(parseRosterCsv('楼栋,门牌,姓名\n1栋,102,李四\n1栋,"101,张三\n').errors).toEqual([
			{ line: 3, code: 'MALFORMED_CSV' }
		]);
	});
});

/** A community admin, as the import page's actor. */
const adminOf = (communityId: number): Actor => ({
	userId: 1,
	communityId,
	displayName: 'admin',
	residentId: null,
	home: null,
	roles: [{ role: 'admin', scopeType: 'community', scopeId: communityId }]
});

describe('importRosterCsv', () => {
	it('creates estates, grids, buildings, households, groups and residents from a GB18030 file', () => {
		const { db, communityId } = newDb();
		const summary = importRosterCsv(db, adminOf(communityId), iconv.encode(CHINESE_CSV, 'gb18030'));
		expect(summary).toEqual({
			estates: 2,
			grids: 1,
			buildings: 3,
			households: 3,
			residents: 4,
			updated: 0,
			groups: 2,
			skippedDuplicates: 0
		});
		expect(counts(db)).toEqual({
			estates: 2,
			grids: 1,
			buildings: 3,
			households: 3,
			groups: 2,
			residents: 4
		});

		const zhang = db
			.select()
			.from(resident)
			.all()
			.find((r) => r.name === '张桂芳')!;
		expect(zhang).toMatchObject({ phone: '13812345678', birthYear: 1956 });
		const home = db
			.select()
			.from(household)
			.all()
			.find((h) => h.id === zhang.householdId)!;
		expect(home.unit).toBe('2单元301');
		expect(home.householdGroupId).not.toBeNull();
		// Same building name in two estates stays two buildings.
		expect(
			db
				.select()
				.from(building)
				.all()
				.filter((b) => b.name === '1栋')
		).toHaveLength(2);
	});

	it('creates no duplicates when the same file is imported twice, and updates residents instead', () => {
		const { db, communityId } = newDb();
		const bytes = withBom(utf8(CHINESE_CSV));
		importRosterCsv(db, adminOf(communityId), bytes);
		const before = counts(db);
		const again = importRosterCsv(db, adminOf(communityId), bytes);
		expect(again).toEqual({
			estates: 0,
			grids: 0,
			buildings: 0,
			households: 0,
			residents: 0,
			updated: 4,
			groups: 0,
			skippedDuplicates: 0
		});
		expect(counts(db)).toEqual(before);
	});

	it('finds buildings without an estate on re-import (NULL estate is not matched by the unique index)', () => {
		const { db, communityId } = newDb();
		const bytes = utf8('楼栋,门牌,姓名\n1栋,101,张三\n');
		importRosterCsv(db, adminOf(communityId), bytes);
		importRosterCsv(db, adminOf(communityId), bytes);
		expect(counts(db)).toMatchObject({ estates: 0, buildings: 1, households: 1, residents: 1 });
	});

	it('updates phone and birth year of a resident already in the household, keeping blanks as they were', () => {
		const { db, communityId } = newDb();
		importRosterCsv(
			db,
			adminOf(communityId),
			utf8('楼栋,门牌,姓名,电话,出生年份\n1栋,101,张三,13812345678,1950\n')
		);
		const summary = importRosterCsv(
			db,
			adminOf(communityId),
			utf8('楼栋,门牌,姓名,电话,出生年份\n1栋,101,张三,13900000000,\n')
		);
		expect(summary.updated).toBe(1);
		expect(db.select().from(resident).get()).toMatchObject({ phone: '13900000000', birthYear: 1950 });
	});

	it('imports a file with an exact duplicate row once, and says how many rows it skipped', () => {
		const { db, communityId } = newDb();
		const twice = CHINESE_CSV + '\r\n湖畔小区,1栋,101,赵明,,,,';
		const summary = importRosterCsv(db, adminOf(communityId), utf8(twice));
		expect(summary).toMatchObject({ residents: 4, skippedDuplicates: 1 });
		expect(counts(db).residents).toBe(4);
	});

	it('imports nothing when one row is bad, and lists the errors in IMPORT_INVALID', () => {
		const { db, communityId } = newDb();
		const bad = CHINESE_CSV + '\r\n富春小区,3栋,101,孙丽,1381234567,1960,,';
		const err = importError(() => importRosterCsv(db, adminOf(communityId), utf8(bad)));
		expect(err).toEqual({ code: 'IMPORT_INVALID', errors: [{ line: 6, field: 'phone', code: 'BAD_PHONE' }] });
		expect(counts(db)).toEqual({
			estates: 0,
			grids: 0,
			buildings: 0,
			households: 0,
			groups: 0,
			residents: 0
		});
	});

	it('rolls back every row when the database rejects one mid-import', () => {
		const { db, communityId } = newDb();
		const { rows } = parseRosterCsv(CHINESE_CSV);
		// A NOT NULL violation on the last row must undo the rows already written.
		const broken = [...rows, { ...rows[0], unit: null as unknown as string }];
		expect(() => importRoster(db, communityId, broken)).toThrow();
		expect(counts(db).residents).toBe(0);
		expect(counts(db).buildings).toBe(0);
	});

	it('rejects an import into a community that does not exist', () => {
		const { db } = newDb();
		expect(importError(() => importRosterCsv(db, adminOf(999), utf8(CHINESE_CSV))).code).toBe('NOT_FOUND');
		// An admin of another community, or no admin at all, imports nothing into this one.
		expect(
			importError(() => importRosterCsv(db, { ...adminOf(999), communityId: 1 }, utf8(CHINESE_CSV))).code
		).toBe('FORBIDDEN');
		expect(importError(() => importRosterCsv(db, null, utf8(CHINESE_CSV))).code).toBe('UNAUTHENTICATED');
	});
});
