/**
 * Typo suggestions for subcommands, flags and enum values ("Did you mean …?").
 *
 * Uses the optimal-string-alignment distance (Levenshtein plus adjacent transposition) because the
 * typos people make in Slack are mostly swapped letters: "puase" is one edit from "pause", not two.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The candidate nearest to `word` (case-insensitive) if it is within `maxDistance` edits; first wins
 * ties. Words whose lengths differ by more than `maxDistance` are never compared (they cannot be that
 * close), so a huge typed word costs nothing: the distance matrix is only built for near lengths.
 */
export function closestMatch(word: string, candidates: readonly string[], maxDistance = 2, distanceOf = editDistance): string | undefined {
  let best: string | undefined;
  let bestDistance = maxDistance + 1;
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - word.length) > maxDistance) continue;
    const distance = distanceOf(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
