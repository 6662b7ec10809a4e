// The suite's own output is tagged so that the code-server shim can tell it apart from the workbench's log, which
// reaches the shim through the same channel (codeAutomationLog). The tag is an invisible character.
export const TEST_OUTPUT_TAG = '\u2063';
