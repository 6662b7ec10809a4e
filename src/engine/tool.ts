/** Identity of the tool as the renderers print it (text banner, JSON `tool`, SARIF `tool.driver`). */
import { version } from '../../package.json';

export const TOOL_NAME = 'autoload-lens';
export const TOOL_VERSION: string = version;
