/**
 * The release shown in the footer and reported by /healthz: package.json's version, the one CHANGELOG.md
 * names. Only this field is bundled (Vite imports JSON fields by name), not the dependency list.
 */
import { version } from '../../package.json';

export const APP_VERSION: string = version;
