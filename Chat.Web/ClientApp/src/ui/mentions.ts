// Mentions in the composer and in messages. A mention is carried as the member's id (the
// server's `mentions`, as Matrix's intentional mentions), never parsed back out of the text;
// "@Full Name" in the text is what people read.

/** The "@…" being typed just before the caret: where it starts and what follows the @. */
export function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)@([^\s@]{0,30})$/.exec(before);
  return match ? { start: before.length - match[2].length - 1, query: match[2] } : null;
}

/** Members whose name starts with the query, or a word of it does (case ignored); at most `limit`. */
export function mentionCandidates<T extends { fullName: string }>(members: T[], query: string, limit = 6): T[] {
  const q = query.toLocaleLowerCase();
  return members.filter((m) => m.fullName.toLocaleLowerCase().split(/\s+/).some((w, i, words) =>
    w.startsWith(q) || words.slice(i).join(' ').startsWith(q))).slice(0, limit);
}

/** The text with the "@query" at `start` replaced by "@Full Name ". */
export function insertMention(text: string, start: number, caret: number, fullName: string): { text: string; caret: number } {
  const inserted = `@${fullName} `;
  return { text: text.slice(0, start) + inserted + text.slice(caret), caret: start + inserted.length };
}

/** Of the people picked while writing, those still named in the text ("@Full Name"). */
export function mentionsIn(text: string, picked: { id: string; fullName: string }[]): string[] {
  return [...new Set(picked.filter((p) => text.includes(`@${p.fullName}`)).map((p) => p.id))];
}

/** The text split around the "@Name" of these names, for highlighting. */
export function mentionParts(text: string, names: string[]): { text: string; mention: boolean }[] {
  const wanted = names.filter(Boolean).map((n) => `@${n}`).sort((a, b) => b.length - a.length);
  const parts: { text: string; mention: boolean }[] = [];
  let rest = text;
  while (rest.length > 0) {
    const found = wanted.map((w) => ({ w, at: rest.indexOf(w) })).filter((f) => f.at >= 0).sort((a, b) => a.at - b.at)[0];
    if (!found) break;
    if (found.at > 0) parts.push({ text: rest.slice(0, found.at), mention: false });
    parts.push({ text: found.w, mention: true });
    rest = rest.slice(found.at + found.w.length);
  }
  if (rest) parts.push({ text: rest, mention: false });
  return parts;
}
