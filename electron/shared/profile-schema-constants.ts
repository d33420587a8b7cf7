/** Names the schema and the engine share. */

/** The safety-net folder on the backup (rsync --backup-dir), relative to the target's folder. */
export const DELETED_DIR_NAME = '.rsync-tray-deleted';
