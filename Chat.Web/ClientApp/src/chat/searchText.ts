/**
 * Search text as the server folds it (Chat.Api's SearchWords): lower case, accents removed,
 * words of letters and digits. Used to mark the words a search hit matched.
 */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{Mn}/gu, '').toLowerCase();
}

export function foldWords(text: string): string[] {
  return fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

export interface SnippetPart {
  text: string;
  match: boolean;
}

/**
 * The text cut around its first matching word (about `around` characters each side), split into
 * parts that match a query word (whole words, folded) and parts that do not.
 */
export function snippet(text: string, words: string[], around = 40): SnippetPart[] {
  const wanted = new Set(words);
  const tokens = text.split(/([\p{L}\p{N}\p{M}]+)/u).filter((t) => t !== '');
  const parts = tokens.map((t) => ({ text: t, match: wanted.has(fold(t)) }));
  const first = parts.findIndex((p) => p.match);
  if (first < 0) return [{ text: text.length > 2 * around ? `${text.slice(0, 2 * around)}…` : text, match: false }];

  let start = first;
  let before = 0;
  while (start > 0 && before + parts[start - 1].text.length <= around) before += parts[--start].text.length;
  let end = first + 1;
  let after = 0;
  while (end < parts.length && after + parts[end].text.length <= around) after += parts[end++].text.length;
  const kept = parts.slice(start, end);
  if (start > 0) kept.unshift({ text: '…', match: false });
  if (end < parts.length) kept.push({ text: '…', match: false });
  return kept;
}
