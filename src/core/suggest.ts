/** `ip-block-matches-pods`, `ip_block_matches_pods` and `IPBlockMatchesPods` all mean `ipBlockMatchesPods`. */
function normalize(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, '');
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The allowed key the user most likely meant, if one is close enough to be a typo. */
export function suggestKey(key: string, allowed: readonly string[]): string | undefined {
  const wanted = normalize(key);
  let best: { key: string; distance: number } | undefined;
  for (const candidate of allowed) {
    const distance = editDistance(wanted, normalize(candidate));
    if (!best || distance < best.distance) best = { key: candidate, distance };
  }
  // A third of the length: catches `namespace`→`namespaces`, `injecton`, but not `foo`→`cni`.
  const tolerance = Math.max(1, Math.floor(wanted.length / 3));
  return best && best.distance <= tolerance ? best.key : undefined;
}
