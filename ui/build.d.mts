/** Where `node ui/build.mjs` writes the dashboard: the assets directory wrangler serves (ui/public). */
export const OUTPUT: string;
/** Builds the dashboard into `root` (default OUTPUT), replacing it; resolves with the directory. */
export function buildUi(root?: string): Promise<string>;
