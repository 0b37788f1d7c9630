import { getLocale } from '$lib/paraglide/runtime';

/** Dates are shown in China time wherever the server or the browser runs, so SSR and hydration agree. */
export function formatDateTime(ms: number): string {
	return new Intl.DateTimeFormat(getLocale() === 'zh' ? 'zh-CN' : 'en-GB', {
		timeZone: 'Asia/Shanghai',
		dateStyle: 'medium',
		timeStyle: 'short'
	}).format(new Date(ms));
}
