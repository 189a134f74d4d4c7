// Types of build.mjs.
export declare const ENTRY: string;
export declare const BUNDLE: string;
export declare function bundleIsStale(): boolean;
export declare function buildAgent(): Promise<string>;
