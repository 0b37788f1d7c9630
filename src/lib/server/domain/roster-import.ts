/**
 * Roster import (居民花名册导入): community offices keep their roster in Excel and export it as CSV.
 * Parsing never touches the database; importing is all-or-nothing, so a half-imported roster never
 * has to be cleaned up by hand.
 */
import { and, eq, isNull, ne, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { parse, CsvError, type Info } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import type { Db } from '../db';
import { community, estate, grid, building, household, householdGroup, resident } from '../db/schema';
import { DomainError } from './errors';
import { authorize, communityScope, type Actor } from '../authz';
import { parseArea } from './roster-rolls';

export interface RosterRow {
	/** Row of the file as Excel numbers it (header is 1), kept so later reports can point back. */
	line: number;
	estate?: string;
	building: string;
	unit: string;
	name: string;
	phone?: string;
	birthYear?: number;
	group?: string;
	grid?: string;
	/** 专有部分面积 in hundredths of m² (the owners' roll). */
	floorArea?: number;
	ownerKey?: string;
	householdRepresentative?: boolean;
	villagerRepresentative?: boolean;
}

export const ROW_ERROR_CODES = [
	'EMPTY_FILE',
	'MALFORMED_CSV',
	'UNKNOWN_HEADER',
	'DUPLICATE_HEADER',
	'MISSING_HEADER',
	'MISSING_FIELD',
	'EXTRA_COLUMNS',
	'BAD_PHONE',
	'BAD_BIRTH_YEAR',
	'BAD_AREA',
	'BAD_FLAG',
	'DUPLICATE_ROW'
] as const;
export type RowErrorCode = (typeof ROW_ERROR_CODES)[number];

export interface RowError {
	line: number;
	field?: string;
	code: RowErrorCode;
}

const NO_COUNTS = { estates: 0, grids: 0, buildings: 0, households: 0, residents: 0, updated: 0, groups: 0 };
/** Records created by an import, except `updated`: residents already in their household. */
export type ImportSummary = typeof NO_COUNTS;

type Field = Exclude<keyof RosterRow, 'line'>;

/** Header spellings seen in real rosters, compared after lower-casing and dropping spaces, _ and -. */
const HEADER_ALIASES: Record<Field, string[]> = {
	estate: ['estate', '小区', '小区名称'],
	building: ['building', '楼栋', '楼号', '楼栋号'],
	unit: ['unit', '门牌', '门牌号', '房号', '户'],
	name: ['name', '姓名'],
	phone: ['phone', '电话', '手机', '手机号', '手机号码', '联系电话'],
	birthYear: ['birthyear', '出生年份', '出生年'],
	group: ['group', 'householdgroup', '联户', '联户组'],
	grid: ['grid', '网格'],
	floorArea: ['floorarea', 'area', '面积', '专有面积', '专有部分面积', '房屋面积'],
	ownerKey: ['owner', 'ownerkey', '业主', '业主编号', '产权人'],
	householdRepresentative: ['householdrepresentative', '户代表'],
	villagerRepresentative: ['villagerrepresentative', 'representative', '村民代表', '居民代表']
};
const REQUIRED: Field[] = ['building', 'unit', 'name'];
const normalizeHeader = (h: string) =>
	h
		.normalize('NFKC')
		.toLowerCase()
		.replace(/[\s_-]+/g, '');
const FIELD_BY_HEADER = new Map(
	(Object.entries(HEADER_ALIASES) as [Field, string[]][]).flatMap(([f, names]) =>
		names.map((n) => [normalizeHeader(n), f] as const)
	)
);

const MOBILE = /^1[3-9]\d{9}$/;
// Area code optional (village offices often write a local number), extension optional.
const LANDLINE = /^(?:0\d{2,3}-?)?\d{7,8}(?:-\d{1,6})?$/;

/**
 * Decodes an uploaded CSV. Excel in China saves "CSV" as GB18030/GBK, "CSV UTF-8" with a BOM, and
 * "Unicode text" as UTF-16LE with a BOM; other tools write plain UTF-8. Strict UTF-8 decoding tells
 * UTF-8 from GB18030 reliably because GBK's double-byte sequences are almost never valid UTF-8.
 */
export function decodeCsv(bytes: Uint8Array): string {
	if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
	const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
	try {
		return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
	} catch {
		return iconv.decode(Buffer.from(body.buffer, body.byteOffset, body.byteLength), 'gb18030');
	}
}

/**
 * Parses and validates roster CSV text (comma- or tab-separated). Every problem is reported, not
 * just the first, so the office can fix the file in one go. `line` is the row number Excel shows:
 * a quoted cell spanning several text lines is still one row, and empty rows keep their number.
 */
export function parseRosterCsv(text: string): { rows: RosterRow[]; errors: RowError[] } {
	const errors: RowError[] = [];
	const rows: RosterRow[] = [];
	// Excel "Unicode text" is tab-separated; guessing from the header line alone is enough.
	const firstLine = text.slice(0, text.search(/\r|\n|$/));
	const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';

	let records: { record: string[]; info: Info }[];
	try {
		// CRLF→LF first: csv-parse locks onto the first line ending it sees, and edited files mix them.
		records = parse(text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'), {
			delimiter,
			info: true,
			relax_column_count: true,
			relax_quotes: true,
			skip_empty_lines: false // empty lines must still count as rows for the numbering
		}) as unknown as { record: string[]; info: Info }[];
	} catch (e) {
		if (!(e instanceof CsvError)) throw e;
		// `records` counts rows completed before the broken one, so this is the row it starts on.
		return { rows, errors: [{ line: Number(e.records) + 1, code: 'MALFORMED_CSV' }] };
	}

	const [header, ...data] = records
		.map(({ record, info }) => ({ line: info.records, values: record.map((v) => v.trim()) }))
		.filter((c) => c.values.some((v) => v !== ''));
	if (!header || data.length === 0)
		return { rows, errors: [{ line: header?.line ?? 1, code: 'EMPTY_FILE' }] };

	const columns: (Field | undefined)[] = [];
	const seen = new Set<Field>();
	header.values.forEach((raw, i) => {
		if (raw === '') return; // Excel leaves trailing empty header cells after deleted columns
		const field = FIELD_BY_HEADER.get(normalizeHeader(raw));
		if (!field) errors.push({ line: header.line, field: raw, code: 'UNKNOWN_HEADER' });
		else if (seen.has(field)) errors.push({ line: header.line, field: raw, code: 'DUPLICATE_HEADER' });
		else {
			seen.add(field);
			columns[i] = field;
		}
	});
	for (const f of REQUIRED)
		if (!seen.has(f)) errors.push({ line: header.line, field: f, code: 'MISSING_HEADER' });
	// Without a trustworthy header every row error would be noise.
	if (errors.length > 0) return { rows, errors };

	const firstLineOfKey = new Map<string, number>();
	for (const { line, values } of data) {
		const get = (f: Field) => values[columns.indexOf(f)] || undefined;
		if (values.some((v, i) => v !== '' && columns[i] === undefined))
			errors.push({ line, code: 'EXTRA_COLUMNS' });
		const before = errors.length;
		for (const f of REQUIRED) if (!get(f)) errors.push({ line, field: f, code: 'MISSING_FIELD' });

		const phone = normalizePhone(get('phone'));
		if (phone === null) errors.push({ line, field: 'phone', code: 'BAD_PHONE' });
		const birthYear = parseBirthYear(get('birthYear'));
		if (birthYear === null) errors.push({ line, field: 'birthYear', code: 'BAD_BIRTH_YEAR' });
		const floorArea = parseArea(get('floorArea'));
		if (floorArea === null) errors.push({ line, field: 'floorArea', code: 'BAD_AREA' });
		const flags = (['householdRepresentative', 'villagerRepresentative'] as const).map((f) => {
			const flag = parseFlag(get(f));
			if (flag === null) errors.push({ line, field: f, code: 'BAD_FLAG' });
			return flag ?? undefined;
		});
		if (errors.length > before) continue;

		const row: RosterRow = {
			line,
			estate: get('estate'),
			building: get('building')!,
			unit: get('unit')!,
			name: get('name')!,
			phone: phone ?? undefined,
			birthYear: birthYear ?? undefined,
			group: get('group'),
			grid: get('grid'),
			floorArea: floorArea ?? undefined,
			ownerKey: get('ownerKey'),
			householdRepresentative: flags[0],
			villagerRepresentative: flags[1]
		};
		// Estate is part of the key: two estates may both have a "1栋 101" with the same name in it.
		const key = JSON.stringify([row.estate ?? '', row.building, row.unit, row.name]);
		if (firstLineOfKey.has(key)) {
			errors.push({ line, code: 'DUPLICATE_ROW' });
			continue;
		}
		firstLineOfKey.set(key, line);
		rows.push(row);
	}
	return { rows, errors };
}

/** undefined = not given, null = invalid. Spaces and a +86 prefix are common in hand-typed sheets. */
function normalizePhone(raw: string | undefined): string | undefined | null {
	if (raw === undefined) return undefined;
	const s = raw.normalize('NFKC').replace(/\s+/g, '');
	const mobile = s.replace(/^\+?86-?(?=1\d{10}$)/, '');
	if (MOBILE.test(mobile)) return mobile;
	// An 11-digit number starting with 1 is a mistyped mobile, not a landline.
	if (/^1\d{10}$/.test(s)) return null;
	return LANDLINE.test(s) ? s : null;
}

/** 是/否, Y/N, 1/0, √: undefined when blank, null when unreadable. */
function parseFlag(raw: string | undefined): boolean | undefined | null {
	if (raw === undefined) return undefined;
	const s = raw.normalize('NFKC').trim().toLowerCase();
	if (['是', 'y', 'yes', '1', '√', '✓', 'true'].includes(s)) return true;
	if (['否', 'n', 'no', '0', 'false'].includes(s)) return false;
	return null;
}

function parseBirthYear(raw: string | undefined): number | undefined | null {
	if (raw === undefined) return undefined;
	const m = /^(\d{4})年?$/.exec(raw.normalize('NFKC'));
	const year = m ? Number(m[1]) : NaN;
	return year >= 1900 && year <= new Date().getFullYear() ? year : null;
}

const NAMED = { estates: estate, grids: grid, groups: householdGroup } as const;

/**
 * Writes validated rows in one transaction: any failure rolls everything back. Re-importing the
 * same file is safe: places are found by name, and a resident already in the household (same
 * name) is updated instead of duplicated.
 */
export function importRoster(db: Db, communityId: number, rows: RosterRow[]): ImportSummary {
	const summary = { ...NO_COUNTS };
	return db.transaction((tx) => {
		if (!tx.select({ id: community.id }).from(community).where(eq(community.id, communityId)).get()) {
			throw new DomainError('NOT_FOUND', { entity: 'community', id: communityId });
		}
		// Rows repeat the same estate/building many times; memoise lookups within this import.
		const cache = new Map<string, number>();
		type Table = SQLiteTable & { id: AnySQLiteColumn };
		const findOrCreate = (
			kind: keyof ImportSummary,
			key: string,
			t: Table,
			where: SQL | undefined,
			create: () => { id: number }
		) => {
			const found = cache.get(kind + key) ?? tx.select({ id: t.id }).from(t).where(where).get()?.id;
			let id = found as number | undefined;
			if (id === undefined) {
				id = create().id;
				summary[kind]++;
			}
			cache.set(kind + key, id);
			return id;
		};
		const findOrCreateNamed = (kind: keyof typeof NAMED, name: string | undefined) => {
			if (!name) return null;
			// Estate, grid and 联户 share (id, communityId, name), which is all that is touched here.
			const t = NAMED[kind] as typeof estate;
			const where = and(eq(t.communityId, communityId), eq(t.name, name));
			return findOrCreate(kind, name, t, where, () =>
				tx.insert(t).values({ communityId, name }).returning({ id: t.id }).get()
			);
		};

		for (const row of rows) {
			const estateId = findOrCreateNamed('estates', row.estate);
			const gridId = findOrCreateNamed('grids', row.grid);
			const groupId = findOrCreateNamed('groups', row.group);
			const { building: name, unit } = row;
			// SQLite treats NULLs as distinct in unique indexes, so "no estate" must be matched explicitly.
			const sameEstate = estateId === null ? isNull(building.estateId) : eq(building.estateId, estateId);
			const buildingWhere = and(eq(building.communityId, communityId), sameEstate, eq(building.name, name));
			const buildingId = findOrCreate('buildings', `${estateId}:${name}`, building, buildingWhere, () =>
				tx
					.insert(building)
					.values({ communityId, estateId, gridId, name })
					.returning({ id: building.id })
					.get()
			);
			// Fill in a grid the building lacked; never move a building between grids silently.
			if (gridId !== null) {
				const noGrid = and(eq(building.id, buildingId), isNull(building.gridId));
				tx.update(building).set({ gridId }).where(noGrid).run();
			}
			const householdWhere = and(eq(household.buildingId, buildingId), eq(household.unit, unit));
			const householdId = findOrCreate('households', `${buildingId}:${unit}`, household, householdWhere, () =>
				tx.insert(household).values({ buildingId, unit }).returning({ id: household.id }).get()
			);
			// The file is the office's current 联户 assignment and register, so it wins over what is stored.
			const unitChanges = {
				...(groupId !== null && { householdGroupId: groupId }),
				...(row.floorArea && { floorArea: row.floorArea }),
				...(row.ownerKey && { ownerKey: row.ownerKey })
			};
			if (Object.keys(unitChanges).length)
				tx.update(household).set(unitChanges).where(eq(household.id, householdId)).run();

			const sameName = and(eq(resident.householdId, householdId), eq(resident.name, row.name));
			const existing = tx.select({ id: resident.id }).from(resident).where(sameName).get();
			const { phone, birthYear, householdRepresentative, villagerRepresentative } = row;
			// Blank cells mean "not known here", not "erase what we have".
			const changes = {
				...(phone && { phone }),
				...(birthYear && { birthYear }),
				...(householdRepresentative !== undefined && { householdRepresentative }),
				...(villagerRepresentative !== undefined && { villagerRepresentative })
			};
			let residentId = existing?.id;
			if (existing) {
				if (Object.keys(changes).length)
					tx.update(resident).set(changes).where(eq(resident.id, existing.id)).run();
				summary.updated++;
			} else {
				residentId = tx
					.insert(resident)
					.values({ householdId, name: row.name, ...changes })
					.returning({ id: resident.id })
					.get().id;
				summary.residents++;
			}
			// One 户代表 per household: the last row naming one wins.
			if (householdRepresentative)
				tx.update(resident)
					.set({ householdRepresentative: false })
					.where(and(eq(resident.householdId, householdId), ne(resident.id, residentId!)))
					.run();
		}
		return summary;
	});
}

/**
 * Decode, validate, import into the admin's community. Any row error rejects the whole file with
 * IMPORT_INVALID { errors }.
 */
export function importRosterCsv(db: Db, actor: Actor | null, bytes: Uint8Array): ImportSummary {
	const { communityId } = authorize(actor, 'roster.manage', communityScope(actor?.communityId ?? 0));
	const { rows, errors } = parseRosterCsv(decodeCsv(bytes));
	if (errors.length > 0) throw new DomainError('IMPORT_INVALID', { errors });
	return importRoster(db, communityId, rows);
}
