/**
 * Vote rule presets from Chinese law (issue 10): a facilitator picks the body and the quorum and
 * majority follow, shown with their article. Shared by the console (to show them) and the server
 * (which applies them; a client never decides the rules). Shares are exact: "以上" is inclusive,
 * "过半数" strictly more (民法典 Art 1259).
 */
import type { Share, Threshold } from '$lib/realtime/poll';

export type PresetId =
	| 'villagerAssembly'
	| 'villagerGroup'
	| 'residentAssembly'
	| 'villagerRepresentatives'
	| 'ownersOrdinary'
	| 'ownersSpecial';

/** Which roll counts as the base: adults (one per resident) or households' representatives (one per household). */
export type PresetBase = 'adults' | 'households';

export type Preset = {
	id: PresetId;
	/** Participation needed, as a share of the base. */
	quorum: Share;
	/** The bases the law allows; the council chooses one when there are two. */
	bases: PresetBase[];
	threshold: Threshold;
	article: string;
	/** A roll this install does not keep yet: the preset is refused until it exists. */
	needs?: 'representatives' | 'floorArea';
};

const MORE_THAN_HALF: Share = { num: 1, den: 2, strict: true };
const TWO_THIRDS_OR_MORE: Share = { num: 2, den: 3, strict: false };

export const PRESETS: Record<PresetId, Preset> = {
	// 村民会议: more than half of adult villagers, or two thirds of households' representatives, attend;
	// decisions need more than half of those present.
	villagerAssembly: {
		id: 'villagerAssembly',
		quorum: MORE_THAN_HALF,
		bases: ['adults', 'households'],
		threshold: 'presentMajority',
		article: '村民委员会组织法 第二十二条'
	},
	villagerGroup: {
		id: 'villagerGroup',
		quorum: TWO_THIRDS_OR_MORE,
		bases: ['adults', 'households'],
		threshold: 'presentMajority',
		article: '村民委员会组织法 第二十八条'
	},
	residentAssembly: {
		id: 'residentAssembly',
		quorum: MORE_THAN_HALF,
		bases: ['adults', 'households'],
		threshold: 'presentMajority',
		article: '城市居民委员会组织法 第九条、第十条'
	},
	villagerRepresentatives: {
		id: 'villagerRepresentatives',
		quorum: TWO_THIRDS_OR_MORE,
		bases: ['adults'],
		threshold: 'presentMajority',
		article: '村民委员会组织法 第二十六条',
		needs: 'representatives'
	},
	ownersOrdinary: {
		id: 'ownersOrdinary',
		quorum: TWO_THIRDS_OR_MORE,
		bases: ['households'],
		threshold: 'presentMajority',
		article: '民法典 第二百七十八条',
		needs: 'floorArea'
	},
	ownersSpecial: {
		id: 'ownersSpecial',
		quorum: TWO_THIRDS_OR_MORE,
		bases: ['households'],
		threshold: 'presentMajority',
		article: '民法典 第二百七十八条（第六至八项）',
		needs: 'floorArea'
	}
};

/** The presets the console offers for each kind of meeting. */
export const PRESETS_FOR_BODY: Record<string, PresetId[]> = {
	buildingCouncil: [],
	villagerAssembly: ['villagerAssembly'],
	villagerRepresentatives: ['villagerRepresentatives'],
	villagerGroup: ['villagerGroup'],
	residentAssembly: ['residentAssembly'],
	ownersAssembly: ['ownersOrdinary', 'ownersSpecial']
};
