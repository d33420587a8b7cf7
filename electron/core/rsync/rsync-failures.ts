/**
 * The entries a run could not send, from rsync's stderr (exit 23, "some files/attrs were not
 * transferred"): its "failed to open", "Permission denied", "could not make way" lines name
 * them. Read under LC_ALL=C, so the wording is rsync's English and the names its escaped form.
 * A file that vanished mid-run is not a failure (exit 24): the watcher said what became of it.
 */

/** A name in double quotes on an rsync line that says something failed about it. */
const QUOTED_FAILURE = /^rsync:(?: \[\w+\])? .*?"([^"]+)".*\b(?:failed|denied|errors?)\b/i;
/** A daemon that will not take an entry (its module's exclude, refuse rules): "ERROR: daemon refused to receive file "x"". */
const REFUSED = /^ERROR: daemon refused to receive (?:file|directory|symlink) "([^"]+)"/;
/** The receiver's lines that name an entry without quotes. */
const BARE_FAILURE = /^(?:cannot delete non-empty directory|could not make way for new [\w ]+): (.+)$/;
/** Lines about a whole run or a connection, not one entry. */
const NOT_AN_ENTRY = /vanished|^rsync error:|failed to connect|connection|@ERROR/i;

export interface FailedNames {
  count: number;
  names: string[];
}

/**
 * The failed entries in `stderr`, each once; the first `keep` names kept. A sender's full path
 * under `source` is shown relative to it, as the activity log names entries.
 */
export function parseFailures(stderr: string, source = '', keep = 20): FailedNames {
  const base = source.endsWith('/') ? source : `${source}/`;
  const seen = new Set<string>();
  const names: string[] = [];
  for (const line of stderr.split(/\r?\n/)) {
    if (line.length === 0 || NOT_AN_ENTRY.test(line)) continue;
    const m = QUOTED_FAILURE.exec(line) ?? REFUSED.exec(line) ?? BARE_FAILURE.exec(line);
    if (!m?.[1]) continue;
    const name = source && m[1].startsWith(base) ? m[1].slice(base.length) : m[1];
    if (seen.has(name)) continue;
    seen.add(name);
    if (names.length < keep) names.push(name);
  }
  return { count: seen.size, names };
}
