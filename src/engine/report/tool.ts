/** Identity of the tool as the renderers print it (text banner, JSON `tool`, SARIF `tool.driver`). */
import { version } from '../../../package.json';

export const TOOL_NAME = 'autoload-lens';
export const TOOL_VERSION: string = version;
/** Where SARIF viewers send people who want to know more about the tool. */
export const TOOL_INFORMATION_URI = 'https://github.com/autoload-lens/autoload-lens';
