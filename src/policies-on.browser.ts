// See policies-on.ts: the browser build leaves policies out.
export const POLICIES = false;
