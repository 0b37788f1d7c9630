/**
 * The body (会议类型) a meeting is held as. The law sets some of them a notice period: 村民会议 10 days
 * before (村民委员会组织法 Art 21), 业主大会 15 days before (物业管理条例 Art 14). Their vote rules are
 * the presets in src/lib/presets.ts.
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
	ownersAssembly: { days: 15, source: '物业管理条例 第十四条' },
	villageElection: null
};

/**
 * Who may vote for whom (委托) at this kind of meeting:
 *   self     residents name a proxy themselves: owners may appoint an agent (物业管理条例 Art 12), and a
 *            building council decides for itself;
 *   written  村民委员会选举: only a written proxy to a close relative who has a vote, recorded by the
 *            election staff who received it, and the list is published (村民委员会组织法 Art 15);
 *   none     the village and residents' assemblies take no proxies (their own rules could allow them,
 *            which this install does not record).
 */
export function proxyPolicy(body: Body): 'self' | 'written' | 'none' {
	if (body === 'buildingCouncil' || body === 'ownersAssembly') return 'self';
	return body === 'villageElection' ? 'written' : 'none';
}
/**
 * Whether check-in takes the rotating code (domain/check-in-code.ts) unless the facilitator says
 * otherwise: yes where attendance has legal weight, the assemblies and representatives' meetings of the
 * law, whose quorum counts who is present. A building council sets its own rules.
 */
export const rotatesByDefault = (body: Body) => body !== 'buildingCouncil';

export const proxiesAllowed = (body: Body) => proxyPolicy(body) !== 'none';

/** 近亲属 (民法典 Art 1045): spouse, parents, children, siblings, grandparents, grandchildren. */
export const CLOSE_RELATIVES = ['spouse', 'parent', 'child', 'sibling', 'grandparent', 'grandchild'] as const;
export type CloseRelative = (typeof CLOSE_RELATIVES)[number];

/** How many voters one person may carry by written proxy (民政部《村民委员会选举规程》: at most three). */
export const MAX_WRITTEN_PROXIES = 3;

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
