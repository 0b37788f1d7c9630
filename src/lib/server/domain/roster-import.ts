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

const NO_COUNTS = {
	estates: 0,
	grids: 0,
	buildings: 0,
	households: 0,
	residents: 0,
	updated: 0,
	groups: 0,
	skippedDuplicates: 0
};
/**
 * Records created by an import, except `updated` (residents already in their household) and
 * `skippedDuplicates` (rows repeating an earlier row of the file exactly).
 */
export type ImportSummary = typeof NO_COUNTS;

type Field = Exclude<keyof RosterRow, 'line'>;

/** Header spellings seen in real rosters, compared after lower-casing and dropping spaces, _ and -. */
const HEADER_ALIASES: Record<Field, string[]> = {
	estate: ['estate', '小区', '小区名称'],
	building: ['building', '楼栋', '楼号', '楼栋号'],
	unit: ['unit', '门牌', '门牌号', '房号', '户'],
	name: ['name', '姓名'],
	phone: ['phone', '电话', '手机', '手机号', '手机号码', '联系电话'],
	birthYear: ['birthYear', '出生年份', '出生年'],
	group: ['group', 'householdGroup', '联户', '联户组'],
	grid: ['grid', '网格'],
	floorArea: ['floorArea', 'area', '面积', '专有面积', '专有部分面积', '房屋面积'],
	ownerKey: ['owner', 'ownerKey', '业主', '业主编号', '产权人'],
	householdRepresentative: ['householdRepresentative', '户代表'],
	villagerRepresentative: ['villagerRepresentative', 'representative', '村民代表', '居民代表']
};
const REQUIRED: Field[] = ['building', 'unit', 'name'];

/**
 * Every column the import reads, with the headers it accepts (Chinese first), for the import page:
 * taken from the parser's own table so the page cannot leave a column out.
 */
export function importColumns(): { field: Field; required: boolean; headers: string[] }[] {
	const chineseFirst = (a: string, b: string) =>
		Number(/^[\x20-\x7e]/.test(a)) - Number(/^[\x20-\x7e]/.test(b));
	return (Object.entries(HEADER_ALIASES) as [Field, string[]][]).map(([field, headers]) => ({
		field,
		required: REQUIRED.includes(field),
		headers: [...headers].sort(chineseFirst)
	}));
}
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
export function parseRosterCsv(text: string): { rows: RosterRow[]; errors: RowError[]; duplicates: number } {
	const errors: RowError[] = [];
	const rows: RosterRow[] = [];
	// Excel "Unicode text" is tab-separated; guessing from the header line alone is enough.
	const firstLine = text.slice(0, text.search(/\r|\n|$/));
	const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';

	const { records, malformed } = readRecords(text, delimiter);
	const malformedErrors = malformed.map((line): RowError => ({ line, code: 'MALFORMED_CSV' }));
	/** Row errors and broken rows together, in the order of the file. */
	const done = (duplicates = 0) => ({
		rows,
		errors: [...errors, ...malformedErrors].sort((a, b) => a.line - b.line),
		duplicates
	});
	if (malformed[0] === 1) return done(); // no header to read the rest by

	const [header, ...data] = records.filter((c) => c.values.some((v) => v !== ''));
	if (!header || data.length === 0) {
		if (malformed.length > 0) return done();
		return { rows, errors: [{ line: header?.line ?? 1, code: 'EMPTY_FILE' }], duplicates: 0 };
	}

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
	if (errors.length > 0) return done();

	const firstLineOfKey = new Map<string, number>();
	const seenRows = new Set<string>();
	let duplicates = 0;
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
		// A row pasted twice says nothing new: skip it (the summary counts it) rather than refuse the file.
		const whole = JSON.stringify({ ...row, line: 0 });
		if (seenRows.has(whole)) {
			duplicates++;
			continue;
		}
		seenRows.add(whole);
		// Estate is part of the key: two estates may both have a "1栋 101" with the same name in it.
		const key = JSON.stringify([row.estate ?? '', row.building, row.unit, row.name]);
		if (firstLineOfKey.has(key)) {
			errors.push({ line, code: 'DUPLICATE_ROW' });
			continue;
		}
		firstLineOfKey.set(key, line);
		rows.push(row);
	}
	return done(duplicates);
}

type Cells = { line: number; values: string[] };

/**
 * Splits CSV text into records numbered as Excel numbers rows. An unbalanced quote would swallow the
 * rest of the file into one cell (or run to its end), hiding every later row; so the physical line
 * where such a record starts is reported as malformed, and reading goes on from the next line.
 */
function readRecords(text: string, delimiter: string): { records: Cells[]; malformed: number[] } {
	// CRLF→LF first: csv-parse locks onto the first line ending it sees, and edited files mix them.
	const lines = text
		.replace(/^\uFEFF/, '')
		.replace(/\r\n?/g, '\n')
		.split('\n');
	const options = {
		delimiter,
		info: true,
		relax_column_count: true,
		relax_quotes: true,
		skip_empty_lines: false // empty lines must still count as rows for the numbering
	} as const;
	type Parsed = { record: string[]; info: Info };
	const parseChunk = (chunk: string, to?: number) =>
		parse(chunk, to === undefined ? options : { ...options, to }) as unknown as Parsed[];
	const records: Cells[] = [];
	const malformed: number[] = [];
	let start = 0; // the physical line this chunk starts on
	let rowsBefore = 0; // Excel rows before this chunk
	while (start < lines.length) {
		const chunk = lines.slice(start).join('\n');
		let good: Parsed[];
		try {
			const all = parseChunk(chunk);
			// relax_quotes keeps a quote that never closed properly as text: a cell that starts with one
			// and runs over several lines is rows swallowed by an unbalanced quote, not a multi-line cell.
			const broken = all.findIndex((r) => r.record.some((v) => v.startsWith('"') && v.includes('\n')));
			good = broken === -1 ? all : all.slice(0, broken);
			if (broken === -1) {
				records.push(...good.map((r) => cellsOf(r, rowsBefore)));
				break;
			}
		} catch (e) {
			if (!(e instanceof CsvError)) throw e;
			// `records` counts rows completed before the broken one, so this is the row it starts on.
			const completed = Number(e.records);
			good = completed > 0 ? parseChunk(chunk, completed) : [];
		}
		records.push(...good.map((r) => cellsOf(r, rowsBefore)));
		malformed.push(rowsBefore + good.length + 1);
		start += (good.at(-1)?.info.lines ?? 0) + 1;
		rowsBefore += good.length + 1;
	}
	return { records, malformed };
}

const cellsOf = ({ record, info }: { record: string[]; info: Info }, rowsBefore: number): Cells => ({
	line: rowsBefore + info.records,
	values: record.map((v) => v.trim())
});

/**
 * undefined = not given, null = invalid. Hand-typed sheets write mobiles as `+86 138-0000-0001`,
 * `(+86)138…` or `0086 138…`: a mobile is stored as its 11 digits. A landline keeps its dashes.
 */
function normalizePhone(raw: string | undefined): string | undefined | null {
	if (raw === undefined) return undefined;
	const s = raw.normalize('NFKC').replace(/\s+/g, '');
	const digits = s.replace(/[-()]/g, '');
	const mobile = digits.replace(/^(?:\+|00)?86(?=1\d{10}$)/, '');
	if (MOBILE.test(mobile)) return mobile;
	// An 11-digit number starting with 1 is a mistyped mobile, not a landline.
	if (/^1\d{10}$/.test(mobile)) return null;
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
 * IMPORT_INVALID { errors }; exact duplicate rows are skipped and counted.
 */
export function importRosterCsv(db: Db, actor: Actor | null, bytes: Uint8Array): ImportSummary {
	const { communityId } = authorize(actor, 'roster.manage', communityScope(actor?.communityId ?? 0));
	const { rows, errors, duplicates } = parseRosterCsv(decodeCsv(bytes));
	if (errors.length > 0) throw new DomainError('IMPORT_INVALID', { errors });
	return { ...importRoster(db, communityId, rows), skippedDuplicates: duplicates };
}
