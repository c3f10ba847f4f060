/**
 * Folds a place name for searching: lower case, no accents, punctuation as spaces.
 * @example normalizeSearchText("L'Haÿ-les-Roses") === 'l hay les roses'
 */
export function normalizeSearchText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}
