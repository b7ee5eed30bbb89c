// Whether this build runs policies: false in the browser build (tsup resolves this file to
// policies-on.browser.ts), where the minifier then drops every branch the engine guards with it.
// Alone in its file: esbuild inlines a constant across files only from a file with nothing else.
export const POLICIES = true;
