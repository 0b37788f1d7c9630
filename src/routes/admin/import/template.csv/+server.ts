import { error } from '@sveltejs/kit';
import { can, communityScope } from '$lib/server/authz';
import { getLocale } from '$lib/paraglide/runtime';
import { errorMessage } from '$lib/i18n';
import type { RequestHandler } from './$types';

// Both header spellings are accepted by the import; the template speaks the user's language.
const TEMPLATES = {
	zh: [
		'小区,楼栋,门牌,姓名,电话,出生年份,联户,网格,专有部分面积,业主编号,户代表,村民代表',
		'富春小区,1栋,1单元101,王秀英,13908701000,1952,第1联户,第一网格,89.35,F-0101,是,否',
		'富春小区,1栋,1单元101,李建国,,1950,第1联户,第一网格,89.35,F-0101,否,否',
		',3组,12号,张桂兰,0870-2123456,,,,,,是,是'
	],
	en: [
		'estate,building,unit,name,phone,birthYear,group,grid,floorArea,owner,householdRepresentative,villagerRepresentative',
		'Fuchun,Building 1,1-101,Wang Xiuying,13908701000,1952,Group 1,Grid 1,89.35,F-0101,yes,no',
		'Fuchun,Building 1,1-101,Li Jianguo,,1950,Group 1,Grid 1,89.35,F-0101,no,no',
		',Cluster 3,No. 12,Zhang Guilan,0870-2123456,,,,,,yes,yes'
	]
};

/** A CSV with a UTF-8 BOM, so Excel opens the Chinese headers correctly. */
export const GET: RequestHandler = ({ locals }) => {
	const actor = locals.actor;
	if (!actor || !can(actor, 'roster.manage', communityScope(actor.communityId)))
		error(403, { message: errorMessage('FORBIDDEN'), code: 'FORBIDDEN' });
	const lines = getLocale() === 'en' ? TEMPLATES.en : TEMPLATES.zh;
	return new Response('\uFEFF' + lines.join('\r\n') + '\r\n', {
		headers: {
			'Content-Type': 'text/csv; charset=utf-8',
			'Content-Disposition': `attachment; filename="roster-template.csv"; filename*=UTF-8''${encodeURIComponent('名册模板.csv')}`,
			'Cache-Control': 'no-store'
		}
	});
};
