/**
 * Where a form may send the browser back to: a path on this site only. "//x", "/\x" and paths that
 * normalise to them are other sites to a browser; anything unparsable falls back.
 */
export function sameSitePath(raw: FormDataEntryValue | null, url: URL, fallback: string): string {
	try {
		const target = new URL(String(raw ?? fallback), url);
		const path = target.pathname;
		if (target.origin !== url.origin || path.startsWith('//') || path.startsWith('/\\')) return fallback;
		return path + target.search;
	} catch {
		return fallback;
	}
}
