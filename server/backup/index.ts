/**
 * Backup and restore of the database and the evidence store (issue 17): `hongdun backup` and
 * `hongdun restore`. A backup is a folder (or its .tar.gz) holding the database dump (`pg_dump -Fc` of a
 * PostgreSQL server, or PGlite's data directory via `dumpDataDir`), the evidence blobs in the store's own
 * layout, and a manifest with row counts, chain heads and the SHA-256 of every file.
 */
export { type BackupOptions, type BackupSummary, createBackup } from './backup';
export { type RestoreOptions, type RestoreSummary, checkBackup, restoreBackup } from './restore';
export { type BackupManifest, BackupCheckError } from './common';
