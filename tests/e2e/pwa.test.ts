import { expect, test, type Page } from '@playwright/test';

/**
 * The installable app: Chromium's own installability check finds nothing missing (manifest with the
 * community's name, PNG icons of the sizes it asks for, a service worker that handles fetches), and
 * offline the app says so in words instead of the browser's error page.
 */
test.use({ locale: 'zh-CN', serviceWorkers: 'allow', viewport: { width: 360, height: 740 } });

/** Width and height from a PNG's IHDR chunk. */
const pngSize = (bytes: Buffer) => [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];

async function controlled(page: Page) {
	await page.evaluate(() => navigator.serviceWorker.ready);
	await page.reload();
	await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
}

test('the app installs: manifest, icons and service worker pass Chromium’s installability check', async ({
	page,
	request
}) => {
	await page.goto('/');
	await controlled(page);
	const cdp = await page.context().newCDPSession(page);
	const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
	// A test browser's context is always incognito, which alone keeps it from installing anything.
	expect(installabilityErrors.filter((e) => e.errorId !== 'in-incognito')).toEqual([]);

	const manifest = await (await request.get('/manifest.webmanifest')).json();
	expect(manifest).toMatchObject({
		name: '议栈 · 湖畔社区',
		short_name: '湖畔社区',
		display: 'standalone',
		start_url: '/'
	});
	for (const icon of manifest.icons as { src: string; sizes: string; type: string }[]) {
		const res = await request.get(icon.src);
		expect(res.headers()['content-type']).toBe(icon.type);
		expect(pngSize(await res.body()).join('x')).toBe(icon.sizes);
	}
});

test('offline, a page says so in words and the app’s banner tells why nothing is saved', async ({
	page,
	context
}) => {
	await page.goto('/login');
	await controlled(page);
	await context.setOffline(true);
	await expect(page.getByRole('alert')).toContainText('手机现在没有联网');
	await page.goto('/proposals').catch(() => undefined);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('没有联网');
	await expect(page.getByText('This phone is offline')).toBeVisible();
	const retry = page.getByRole('link', { name: /重试/ });
	const box = (await retry.boundingBox())!;
	expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(60);
	await context.setOffline(false);
	await retry.click();
	await expect(page.getByRole('heading', { level: 1 })).not.toHaveText('没有联网');
	await expect(page.getByRole('alert')).toHaveCount(0);
});
