#!/usr/bin/env bash
# The classic recipe Rsync Tray replaces, as it is found on countless servers: one initial mirror,
# then a whole-tree `rsync -a --delete` for every event inotifywait reports.
#   inotify-rsync.sh SOURCE rsync://user@host:port/module/ PASSWORD_FILE [BWLIMIT]
# The bench reads "run-start"/"run-end" (one per rsync) and inotifywait's own "Watches
# established." (sent through the loop, so it is seen once the watches are up).
set -u
src=$1 dest=$2 password_file=$3 bwlimit=${4:-}

sync_tree() {
  echo "run-start"
  rsync -a --delete --password-file="$password_file" ${bwlimit:+--bwlimit=$bwlimit} "$src/" "$dest"
  echo "run-end $?"
}

sync_tree
echo "initial-sync-done"
inotifywait -m -r -e close_write,create,delete,move --format '%e %w%f' "$src" 2>&1 |
  while read -r event; do
    case $event in
      "Setting up watches"*) continue ;;
      "Watches established"*) echo "watching"; continue ;;
    esac
    sync_tree
  done
