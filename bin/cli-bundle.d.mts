export declare const BUNDLE_DIR: string;
export declare const MANIFEST: string;
/** A hash of these files' names and contents, relative to root; null if one cannot be read. */
export declare function sourcesHash(root: string, files: readonly string[]): string | null;
/** The entry file of the bundle in `dir` (by default the project's) when it was built from exactly the files in place, else null. */
export declare function currentBundle(root: string, dir?: string): string | null;
