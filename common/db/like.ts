// Text search with (I)LIKE: the user's text matched as-is anywhere, its % and _ taken literally.
export function containsPattern(text: string | undefined): string | undefined {
  return text ? `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` : undefined;
}
