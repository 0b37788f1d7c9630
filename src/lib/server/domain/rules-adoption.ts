/**
 * Adopting village rules: a facilitator puts clauses (or the whole draft) to a poll in a live meeting,
 * on a version saved at that moment so everyone votes on fixed wording; a passed poll marks its
 * clauses adopted; a passed whole-draft poll can be published: the frozen text, hashed and chained to
 * the previous publication, with the adopting resolution and the date it takes effect.
 */
import { and, desc, eq, isNull, lt } from 'drizzle-orm';
import { PRESETS, PRESETS_FOR_BODY } from '$lib/presets';
import { clausesOf, type Rules } from '$lib/rules/clauses';
import type { Db, Tx } from '../db';
import { authorize, communityScope, type Actor } from '../authz';
import { resolution, rulesAdoption, rulesPoll, rulesPublication, rulesVersion, user } from '../db/schema';
import type { DocumentStore } from './ports';
import { DomainError } from './errors';
import { chainHash, GENESIS_HASH } from './hash-chain';
import { getMeeting, meetingScope, type Meeting } from './meetings';
import { openPoll } from './polls';
import { DEFAULT_RULES, type PollRules } from './tally';
import { currentRules, rulesEditor, storeVersion } from './rules-versions';

/** The law's rule for the meeting's body when it has one (村规民约 are adopted by 村民会议, VCL Art 27). */
function rulesFor(m: Meeting): PollRules {
	const id = PRESETS_FOR_BODY[m.body]?.[0];
	if (!id) return { ...DEFAULT_RULES, votingUnit: m.votingUnit };
	const preset = PRESETS[id];
	const base = preset.bases[0];
	// 业主大会: a management covenant (管理规约) is matter 2 of 民法典 Art 278.
	return { ...DEFAULT_RULES, preset: { id, base, ...(base === 'owners' ? { matter: 2 } : {}) } };
}

function questionFor(rules: Rules, clauseIds: string[] | null): string {
	const title = rules.title.trim() || '村规民约';
	if (!clauseIds) return `是否通过《${title}》全文（共${clausesOf(rules).length}条）？`;
	const labels = clausesOf(rules)
		.filter((c) => clauseIds.includes(c.id))
		.map((c) => c.label);
	return `是否通过《${title}》${labels.join('、')}？`.slice(0, 200);
}

/** 付诸表决: opens a poll in a live meeting on the chosen clauses (null: the whole draft). */
export function putRulesToVote(
	db: Db,
	docs: DocumentStore,
	actor: Actor | null,
	input: { meetingId: number; clauseIds: string[] | null },
	now = Date.now()
): { pollId: number; versionId: number } {
	const m = getMeeting(db, input.meetingId);
	// The rules bind the whole community: only those who run its community-wide meetings put them to a vote.
	authorize(actor, 'meeting.manage', meetingScope(db, m));
	const a = authorize(actor, 'meeting.manage', communityScope(m.communityId));
	const rules = currentRules(docs, m.communityId);
	const clauses = clausesOf(rules);
	const ids = input.clauseIds === null ? null : [...new Set(input.clauseIds)];
	if (clauses.length === 0 || (ids !== null && (ids.length === 0 || ids.length > 100)))
		throw new DomainError('INVALID_INPUT', { field: 'clauseIds' });
	const gone = ids?.find((id) => !clauses.some((c) => c.id === id));
	if (gone) throw new DomainError('CLAUSE_GONE', { clauseId: gone });
	return db.transaction((tx) => {
		const label = new Date(now).toISOString().slice(0, 16).replace('T', ' ');
		const versionId = storeVersion(tx, docs, m.communityId, a.userId, `表决稿 ${label}`, now);
		const pollId = openPoll(
			db,
			docs,
			actor,
			{
				meetingId: m.id,
				agendaItemId: null,
				question: questionFor(rules, ids),
				type: 'yesNoAbstain',
				rules: rulesFor(m),
				durationSeconds: null
			},
			now
		);
		tx.insert(rulesPoll).values({ pollId, communityId: m.communityId, versionId, clauseIds: ids }).run();
		return { pollId, versionId };
	});
}

/** Called as a poll's resolution is written: a passed rules poll adopts its clauses as voted. */
export function adoptOnResolution(
	tx: Tx,
	pollId: number,
	resolutionId: number,
	passed: boolean,
	now: number
) {
	const rp = tx.select().from(rulesPoll).where(eq(rulesPoll.pollId, pollId)).get();
	if (!rp || !passed) return;
	const v = tx
		.select({ text: rulesVersion.text })
		.from(rulesVersion)
		.where(eq(rulesVersion.id, rp.versionId))
		.get()!;
	const adopted = clausesOf(v.text).filter((c) => rp.clauseIds === null || rp.clauseIds.includes(c.id));
	if (adopted.length === 0) return;
	tx.insert(rulesAdoption)
		.values(
			adopted.map((c) => ({
				communityId: rp.communityId,
				clauseId: c.id,
				versionId: rp.versionId,
				resolutionId,
				text: c.text,
				adoptedAt: new Date(now)
			}))
		)
		.run();
}

/**
 * The wording a village-rules poll puts to the vote, from the version saved when it opened (so it is
 * what everyone votes on, whatever the draft says now), for the ballot's "read the wording" page.
 * Null for any other poll.
 */
export function clausesVotedOn(db: Db, pollId: number) {
	const rp = db.select().from(rulesPoll).where(eq(rulesPoll.pollId, pollId)).get();
	if (!rp) return null;
	const v = db
		.select({ text: rulesVersion.text })
		.from(rulesVersion)
		.where(eq(rulesVersion.id, rp.versionId))
		.get()!;
	const clauses = clausesOf(v.text)
		.filter((c) => rp.clauseIds === null || rp.clauseIds.includes(c.id))
		.map((c) => ({ id: c.id, label: c.label, text: c.text }));
	return { title: v.text.title, wholeDraft: rp.clauseIds === null, clauses };
}

/** Each clause's latest adoption: the wording adopted and the resolution that adopted it. */
export function adoptedClauses(db: Db, communityId: number) {
	const rows = db
		.select()
		.from(rulesAdoption)
		.where(eq(rulesAdoption.communityId, communityId))
		.orderBy(desc(rulesAdoption.id))
		.all();
	const latest = new Map<string, { text: string; resolutionId: number; adoptedAt: Date }>();
	for (const r of rows) if (!latest.has(r.clauseId)) latest.set(r.clauseId, r);
	return latest;
}

/** 公布: publishes the text a whole-draft poll adopted, once, with the date it takes effect. */
export function publishRules(
	db: Db,
	actor: Actor | null,
	input: { resolutionId: number; effectiveFrom: string },
	now = Date.now()
): number {
	const a = rulesEditor(actor);
	if (!/^\d{4}-\d{2}-\d{2}$/.test(input.effectiveFrom) || isNaN(Date.parse(input.effectiveFrom)))
		throw new DomainError('INVALID_INPUT', { field: 'effectiveFrom' });
	const r = db
		.select({ id: resolution.id, outcome: resolution.outcome, pollId: resolution.pollId })
		.from(resolution)
		.where(and(eq(resolution.id, input.resolutionId), eq(resolution.communityId, a.communityId)))
		.get();
	const rp = r && db.select().from(rulesPoll).where(eq(rulesPoll.pollId, r.pollId)).get();
	if (!r || !rp || rp.clauseIds !== null)
		throw new DomainError('NOT_FOUND', { resolutionId: input.resolutionId });
	if (r.outcome !== 'passed') throw new DomainError('ADOPTION_FAILED', { outcome: r.outcome });
	return db.transaction((tx) => {
		if (tx.select().from(rulesPublication).where(eq(rulesPublication.resolutionId, r.id)).get())
			throw new DomainError('DUPLICATE', { resolutionId: r.id });
		const v = tx.select().from(rulesVersion).where(eq(rulesVersion.id, rp.versionId)).get()!;
		const last = tx
			.select()
			.from(rulesPublication)
			.where(eq(rulesPublication.communityId, a.communityId))
			.orderBy(desc(rulesPublication.seq))
			.get();
		const seq = (last?.seq ?? 0) + 1;
		const prevHash = last?.hash ?? GENESIS_HASH;
		const content = { text: v.text, resolutionId: r.id, effectiveFrom: input.effectiveFrom };
		return tx
			.insert(rulesPublication)
			.values({
				communityId: a.communityId,
				seq,
				versionId: v.id,
				resolutionId: r.id,
				text: v.text,
				effectiveFrom: input.effectiveFrom,
				prevHash,
				hash: chainHash(prevHash, seq, content),
				publishedByUserId: a.userId,
				publishedAt: new Date(now)
			})
			.returning({ id: rulesPublication.id })
			.get().id;
	});
}

/** A published text for its public page (no login: it is a public notice), with the one before it. */
export function getPublication(db: Db, id: number) {
	const p = db
		.select({
			id: rulesPublication.id,
			communityId: rulesPublication.communityId,
			seq: rulesPublication.seq,
			text: rulesPublication.text,
			effectiveFrom: rulesPublication.effectiveFrom,
			resolutionId: rulesPublication.resolutionId,
			hash: rulesPublication.hash,
			prevHash: rulesPublication.prevHash,
			publishedAt: rulesPublication.publishedAt,
			publishedBy: user.displayName
		})
		.from(rulesPublication)
		.innerJoin(user, eq(rulesPublication.publishedByUserId, user.id))
		.where(eq(rulesPublication.id, id))
		.get();
	if (!p) throw new DomainError('NOT_FOUND', { publicationId: id });
	const previous = db
		.select({ id: rulesPublication.id, seq: rulesPublication.seq, text: rulesPublication.text })
		.from(rulesPublication)
		.where(and(eq(rulesPublication.communityId, p.communityId), lt(rulesPublication.seq, p.seq)))
		.orderBy(desc(rulesPublication.seq))
		.get();
	return { ...p, previous: previous ?? null };
}

/** The community's published texts, newest first. */
export function listPublications(db: Db, communityId: number) {
	return db
		.select({
			id: rulesPublication.id,
			seq: rulesPublication.seq,
			title: rulesPublication.text,
			effectiveFrom: rulesPublication.effectiveFrom,
			publishedAt: rulesPublication.publishedAt
		})
		.from(rulesPublication)
		.where(eq(rulesPublication.communityId, communityId))
		.orderBy(desc(rulesPublication.seq))
		.all()
		.map((p) => ({ ...p, title: p.title.title }));
}

/** Whole-draft rules polls that passed and are not published yet (what the committee may publish). */
export function publishable(db: Db, communityId: number) {
	return db
		.select({ resolutionId: resolution.id, decidedAt: resolution.decidedAt, versionId: rulesPoll.versionId })
		.from(rulesPoll)
		.innerJoin(resolution, eq(resolution.pollId, rulesPoll.pollId))
		.leftJoin(rulesPublication, eq(rulesPublication.resolutionId, resolution.id))
		.where(
			and(
				eq(rulesPoll.communityId, communityId),
				isNull(rulesPoll.clauseIds),
				eq(resolution.outcome, 'passed'),
				isNull(rulesPublication.id)
			)
		)
		.all();
}
