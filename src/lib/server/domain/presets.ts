/**
 * Applying a legal preset when a poll opens: the server derives the voting unit, quorum and threshold
 * from the law (src/lib/presets.ts), whatever the client sent, and refuses a preset the meeting's body
 * does not allow, or an owners' assembly vote whose matter needs another rule. Whether the roll the
 * preset needs exists is checked by the caller (rolls.ts), which has the database.
 */
import {
	OWNERS_MATTERS,
	PRESETS,
	PRESETS_FOR_BODY,
	presetForMatter,
	UNIT_OF_BASE,
	type PresetId
} from '$lib/presets';
import { DomainError } from './errors';
import type { Meeting } from './meetings';
import type { PollRules } from './tally';

export function applyPreset(rules: PollRules, m: Pick<Meeting, 'body'>): PollRules {
	if (!rules.preset) {
		// The owners' and representatives' units exist only under their legal rules.
		if (rules.votingUnit === 'owner' || rules.votingUnit === 'representative')
			throw new DomainError('INVALID_INPUT', { field: 'votingUnit' });
		return rules;
	}
	const preset = PRESETS[rules.preset.id as PresetId];
	if (!preset || !PRESETS_FOR_BODY[m.body]?.includes(preset.id))
		throw new DomainError('INVALID_INPUT', { field: 'preset' });
	const base = rules.preset.base;
	if (!preset.bases.includes(base)) throw new DomainError('INVALID_INPUT', { field: 'presetBase' });
	const matter = rules.preset.matter;
	if (base === 'owners') {
		if (!OWNERS_MATTERS.includes(matter as (typeof OWNERS_MATTERS)[number]))
			throw new DomainError('INVALID_INPUT', { field: 'matter' });
		// A special matter (raising the fund, rebuilding, changing common parts) under the ordinary
		// rule could be annulled; the opposite would hold owners to more than the law asks.
		if (presetForMatter(matter!) !== preset.id)
			throw new DomainError('PRESET_MATTER', { matter, preset: presetForMatter(matter!) });
		// Owners' ballots are weighed by area, which a ballot separated from its unit cannot carry.
		if (rules.secret) throw new DomainError('INVALID_INPUT', { field: 'secret' });
	}
	// 选举村民委员会 is by secret ballot (VCL Art 15): no names, no live count, no change.
	const secrecy =
		preset.id === 'villageElection' ? { secret: true, liveTally: false, allowChange: false } : {};
	return {
		...rules,
		...secrecy,
		votingUnit: UNIT_OF_BASE[base],
		quorum: preset.quorumByBase?.[base] ?? preset.quorum,
		threshold: preset.threshold,
		preset: { id: preset.id, base, article: preset.article, ...(base === 'owners' ? { matter } : {}) }
	};
}
