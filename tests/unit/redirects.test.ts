import { describe, expect, it } from 'vitest';
import { sameSitePath } from '$lib/server/redirects';

describe('going back after a form', () => {
	const url = new URL('https://yizhan.example.cn/settings');
	it('keeps a path on this site with its query', () => {
		expect(sameSitePath('/m/3?x=1', url, '/')).toBe('/m/3?x=1');
	});
	it('never leaves the site, however the path is dressed up, and survives garbage', () => {
		for (const bad of [
			'//evil.com',
			'/.//evil.com',
			'/a/..//evil.com',
			'/./\\evil.com',
			'https://evil.com/',
			'http://['
		])
			expect(sameSitePath(bad, url, '/settings')).toBe('/settings');
		expect(sameSitePath(null, url, '/settings')).toBe('/settings');
	});
});
