/**
 * The errors the project's code throws for a tool to report, below every tool and the files they
 * share (stackFiles.ts): cli/shell.ts turns each into its exit code and one line, and re-exports
 * them, so tools import them from there or from here alike.
 */

/** Input the tool cannot use: a missing or unparsable file, a bad option, a stack that does not exist. Exit 2. */
export class UsageError extends Error {}

/** The tool ran, and what it checked or built failed (a command the lab runs, say). Exit 1. */
export class CheckFailedError extends Error {}
