/**
 * Applying a legal preset when a poll opens: the server derives the voting unit, quorum and threshold
 * from the law (src/lib/presets.ts), whatever the client sent, and refuses a preset the meeting's body
 * does not allow or whose voter roll this install does not keep yet.
 */
import { PRESETS, PRESETS_FOR_BODY, type PresetId } from '$lib/presets';
import { DomainError } from './errors';
import type { Meeting } from './meetings';
import type { PollRules } from './tally';

export function applyPreset(rules: PollRules, m: Pick<Meeting, 'body'>): PollRules {
	if (!rules.preset) return rules;
	const preset = PRESETS[rules.preset.id as PresetId];
	if (!preset || !PRESETS_FOR_BODY[m.body]?.includes(preset.id))
		throw new DomainError('INVALID_INPUT', { field: 'preset' });
	const base = rules.preset.base;
	if (!preset.bases.includes(base)) throw new DomainError('INVALID_INPUT', { field: 'presetBase' });
	if (preset.needs) throw new DomainError('ROLL_MISSING', { roll: preset.needs });
	return {
		...rules,
		votingUnit: base === 'adults' ? 'resident' : 'household',
		quorum: preset.quorum,
		threshold: preset.threshold,
		preset: { id: preset.id, base, article: preset.article }
	};
}
