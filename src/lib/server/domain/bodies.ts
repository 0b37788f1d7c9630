/**
 * The body (会议类型) a meeting is held as. The law sets some of them a notice period: 村民会议 10 days
 * before (村民委员会组织法 Art 21), 业主大会 15 days before (物业管理条例 Art 14). The presets
 * of issue 10 will hang their quorum and majority rules here too.
 */
import { BODIES, type Body } from '../db/schema';

export { BODIES, type Body };

/** Days of notice the law asks for, and where it says so; null where the council's own rules decide. */
export const NOTICE: Record<Body, { days: number; source: string } | null> = {
	buildingCouncil: null,
	villagerAssembly: { days: 10, source: '村民委员会组织法 第二十一条' },
	villagerRepresentatives: null,
	villagerGroup: null,
	residentAssembly: null,
	ownersAssembly: { days: 15, source: '物业管理条例 第十四条' }
};

/**
 * Whether residents may name a proxy (委托) for this kind of meeting. Owners may appoint an agent
 * (物业管理条例 Art 12) and a building council decides for itself; the village and residents' assemblies
 * take no proxies unless the council's own rules allow them, which this install does not record yet.
 */
export function proxiesAllowed(body: Body): boolean {
	return body === 'buildingCouncil' || body === 'ownersAssembly';
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * How far short of its legal notice a meeting is, scheduled at `noticeAt` for `startsAt`: null when
 * no period applies or it is met; else the days required and the whole days still missing.
 */
export function noticeShortfall(
	body: Body,
	noticeAt: Date,
	startsAt: Date
): { days: number; source: string; shortByDays: number } | null {
	const rule = NOTICE[body];
	if (!rule) return null;
	const missing = noticeAt.getTime() + rule.days * DAY - startsAt.getTime();
	if (missing <= 0) return null;
	return { ...rule, shortByDays: Math.ceil(missing / DAY) };
}
