/** Names the schema and the engine share. */

/** The safety-net folder on the backup (rsync --backup-dir), relative to the target's folder. */
export const DELETED_DIR_NAME = '.rsync-tray-deleted';

/**
 * The hidden folders a restore keeps inside its destination (an interrupted file's part, keep-both's
 * staging). A restore may land inside a watched source: these are never sent, at any depth.
 */
export const RESTORE_PARTIAL_DIR_NAME = '.rsync-tray-restore-partial';
export const RESTORE_STAGING_DIR_NAME = '.rsync-tray-restore-staging';

/**
 * Where a sync stopped mid-file (a bandwidth schedule's restart) keeps the part on the backup,
 * in the file's own folder (rsync --partial-dir, relative). Never restored nor browsed.
 */
export const SYNC_PARTIAL_DIR_NAME = '.rsync-tray-partial';

/** Our working folders, at any depth: hidden from a backup's browser and from restores. */
export const WORKING_DIR_NAMES: readonly string[] = [
  SYNC_PARTIAL_DIR_NAME,
  RESTORE_PARTIAL_DIR_NAME,
  RESTORE_STAGING_DIR_NAME,
];
