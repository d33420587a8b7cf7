/**
 * "Did you mean …": the known name closest to one that was not found (a misspelt config field,
 * a module the daemon does not have), by edit distance, if close enough to be a likely typo.
 */

/**
 * Case is ignored when comparing, so "Backup" finds "backup" (for a case-sensitive name, the
 * likeliest typo of all). Close enough: by default at most 2 edits, or a third of the name's
 * length for long names — "deletion" → "deletions", never "docs" → "photos".
 */
export function nearest(
  key: string,
  known: readonly string[],
  maxDistance = Math.max(2, Math.floor(key.length / 3)),
): string | null {
  const lower = key.toLowerCase();
  let best: string | null = null;
  let bestDistance = maxDistance + 1;
  for (const k of known) {
    const d = editDistance(lower, k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

// Levenshtein by hand: a dozen lines, where a package would be a dependency for one function.
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}
