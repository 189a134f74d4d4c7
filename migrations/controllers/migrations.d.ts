// Types for the drizzle-kit generated migrations.js (which imports the journal and .sql files).
declare const bundle: {
  journal: { entries: { idx: number; when: number; tag: string; breakpoints: boolean }[] };
  migrations: Record<string, string>;
};
export default bundle;
