/**
 * The point rules of a community (积分规则): the yearly base, what taking part earns, volunteer work
 * and the negative list (负面清单). Communities start with the defaults below on first use; the admin
 * edits amounts, caps and the seconding threshold, and adds volunteer or negative items. Entries copy
 * the amount they were given, and labels are fixed when an item is added, so no edit rewrites the past.
 */
import { and, asc, count, eq } from 'drizzle-orm';
import type { Db, Tx } from '../db';
import { authorize, communityScope, requireMember, type Actor } from '../authz';
import { pointRule, type PointRuleKind } from '../db/schema';
import { DomainError } from './errors';

/** No single rule or entry moves more than this: a typo of extra zeros is refused, not booked. */
export const MAX_POINTS = 1000;
export const MAX_CAP = 100_000;

type DefaultRule = {
	kind: PointRuleKind;
	code: string;
	label?: string;
	amount: number;
	yearlyCap?: number;
	threshold?: number;
};

/** The seed's "基础分 + 贡献分 + 负面清单", with the items the Zhaotong communities name. */
export const DEFAULT_POINT_RULES: readonly DefaultRule[] = [
	{ kind: 'base', code: 'base', amount: 60 },
	{ kind: 'participation', code: 'attend', amount: 2, yearlyCap: 40 },
	{ kind: 'participation', code: 'vote', amount: 1, yearlyCap: 30 },
	{ kind: 'participation', code: 'proposalSeconded', amount: 5, yearlyCap: 20, threshold: 5 },
	{ kind: 'participation', code: 'proposalResolved', amount: 10, yearlyCap: 30 },
	{ kind: 'participation', code: 'rate', amount: 1, yearlyCap: 10 },
	{ kind: 'volunteer', code: 'emergency', label: '应急救援', amount: 10, yearlyCap: 50 },
	{ kind: 'volunteer', code: 'mediation', label: '调解纠纷', amount: 8, yearlyCap: 40 },
	{ kind: 'volunteer', code: 'cleaning', label: '清洁行动', amount: 5, yearlyCap: 30 },
	{ kind: 'volunteer', code: 'trafficAdvice', label: '交通劝导', amount: 5, yearlyCap: 30 },
	{ kind: 'negative', code: 'throwingFromHeight', label: '高空抛物', amount: 20 },
	{ kind: 'negative', code: 'blockingFireLane', label: '占用消防通道', amount: 10 },
	{ kind: 'negative', code: 'littering', label: '乱扔垃圾', amount: 5 },
	{ kind: 'negative', code: 'lavishBanquet', label: '大操大办酒席', amount: 10 }
];

export type PointRule = typeof pointRule.$inferSelect;

/** The community's rules, creating the defaults the first time anything asks for them. */
export function ensurePointRules(db: Db | Tx, communityId: number): PointRule[] {
	const existing = db
		.select({ n: count() })
		.from(pointRule)
		.where(eq(pointRule.communityId, communityId))
		.get();
	if (!existing?.n)
		db.insert(pointRule)
			.values(DEFAULT_POINT_RULES.map((r) => ({ ...r, communityId })))
			.onConflictDoNothing()
			.run();
	return db
		.select()
		.from(pointRule)
		.where(eq(pointRule.communityId, communityId))
		.orderBy(asc(pointRule.id))
		.all();
}

/** One rule by its code; the defaults are created only when the community has none yet (one query per ballot). */
export function ruleByCode(db: Db | Tx, communityId: number, code: string): PointRule | undefined {
	const find = () =>
		db
			.select()
			.from(pointRule)
			.where(and(eq(pointRule.communityId, communityId), eq(pointRule.code, code)))
			.get();
	const found = find();
	if (found) return found;
	ensurePointRules(db, communityId);
	return find();
}

/** Every member may read the rules: residents should know how points are earned and lost. */
export function listPointRules(db: Db, actor: Actor | null): PointRule[] {
	const a = requireMember(actor, actor?.communityId ?? -1);
	return ensurePointRules(db, a.communityId);
}

function checkAmount(n: number, field: string, min: number, max: number) {
	if (!Number.isInteger(n) || n < min || n > max) throw new DomainError('INVALID_INPUT', { field });
}

/** The admin changes a rule's amount, yearly cap, threshold or whether it applies; past entries keep theirs. */
export function updatePointRule(
	db: Db,
	actor: Actor | null,
	input: {
		ruleId: number;
		amount: number;
		yearlyCap: number | null;
		threshold?: number | null;
		active: boolean;
	},
	now = Date.now()
) {
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	const a = authorize(actor, 'points.manage', communityScope(actor.communityId));
	const rule = db.select().from(pointRule).where(eq(pointRule.id, input.ruleId)).get();
	if (!rule || rule.communityId !== a.communityId) throw new DomainError('NOT_FOUND');
	checkAmount(input.amount, 'amount', 0, MAX_POINTS);
	if (input.yearlyCap !== null) checkAmount(input.yearlyCap, 'yearlyCap', 0, MAX_CAP);
	const threshold = rule.code === 'proposalSeconded' ? (input.threshold ?? rule.threshold) : null;
	if (threshold !== null) checkAmount(threshold, 'threshold', 1, 1000);
	db.update(pointRule)
		.set({
			amount: input.amount,
			yearlyCap: rule.kind === 'base' || rule.kind === 'negative' ? null : input.yearlyCap,
			threshold,
			active: input.active,
			updatedAt: new Date(now)
		})
		.where(eq(pointRule.id, rule.id))
		.run();
}

/** The admin adds a volunteer activity or an item of the negative list. */
export function addPointRule(
	db: Db,
	actor: Actor | null,
	input: { kind: string; label: string; amount: number; yearlyCap: number | null }
): number {
	if (!actor) throw new DomainError('UNAUTHENTICATED');
	const a = authorize(actor, 'points.manage', communityScope(actor.communityId));
	if (input.kind !== 'volunteer' && input.kind !== 'negative')
		throw new DomainError('INVALID_INPUT', { field: 'kind' });
	const label = input.label.trim();
	if (!label || label.length > 40) throw new DomainError('INVALID_INPUT', { field: 'label' });
	checkAmount(input.amount, 'amount', 1, MAX_POINTS);
	if (input.yearlyCap !== null) checkAmount(input.yearlyCap, 'yearlyCap', 1, MAX_CAP);
	const rules = ensurePointRules(db, a.communityId);
	if (rules.some((r) => r.label === label && r.kind === input.kind)) throw new DomainError('DUPLICATE');
	return db
		.insert(pointRule)
		.values({
			communityId: a.communityId,
			kind: input.kind,
			code: `${input.kind}-${rules.length + 1}`,
			label,
			amount: input.amount,
			yearlyCap: input.kind === 'negative' ? null : input.yearlyCap
		})
		.returning({ id: pointRule.id })
		.get().id;
}
