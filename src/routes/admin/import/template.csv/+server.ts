import { error } from '@sveltejs/kit';
import { can, communityScope } from '$lib/server/authz';
import { getLocale } from '$lib/paraglide/runtime';
import { errorMessage } from '$lib/i18n';
import type { RequestHandler } from './$types';

// Both header spellings are accepted by the import; the template speaks the user's language.
const TEMPLATES = {
	zh: [
		'小区,楼栋,门牌,姓名,电话,出生年份,联户,网格',
		'富春小区,1栋,1单元101,王秀英,13908701000,1952,第1联户,第一网格',
		'富春小区,1栋,1单元101,李建国,,1950,第1联户,第一网格',
		',3组,12号,张桂兰,0870-2123456,,,'
	],
	en: [
		'estate,building,unit,name,phone,birthYear,group,grid',
		'Fuchun,Building 1,1-101,Wang Xiuying,13908701000,1952,Group 1,Grid 1',
		'Fuchun,Building 1,1-101,Li Jianguo,,1950,Group 1,Grid 1',
		',Cluster 3,No. 12,Zhang Guilan,0870-2123456,,,'
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
