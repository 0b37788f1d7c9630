/**
 * Vitest global setup: builds the database templates once for the run (see
 * tests/helpers/db-templates.ts) and hands their paths to every test file through `inject`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { writeDbTemplates, type DbTemplates } from '../helpers/db-templates';

declare module 'vitest' {
	export interface ProvidedContext {
		dbTemplates: DbTemplates;
	}
}

export default async function setup(project: TestProject) {
	const dir = mkdtempSync(join(tmpdir(), 'yizhan-templates-'));
	project.provide('dbTemplates', await writeDbTemplates(dir));
	return () => rmSync(dir, { recursive: true, force: true });
}
