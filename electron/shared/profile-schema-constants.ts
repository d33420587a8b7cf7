/** Names the schema and the engine share. */

/** The safety-net folder on the backup (rsync --backup-dir), relative to the target's folder. */
export const DELETED_DIR_NAME = '.rsync-tray-deleted';

/**
 * The hidden folders a restore keeps inside its destination (an interrupted file's part, keep-both's
 * staging). A restore may land inside a watched source: these are never sent, at any depth.
 */
export const RESTORE_PARTIAL_DIR_NAME = '.rsync-tray-restore-partial';
export const RESTORE_STAGING_DIR_NAME = '.rsync-tray-restore-staging';
