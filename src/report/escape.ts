const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

// Control characters (other than tab/newline/CR) are illegal in XML 1.0 even
// as entities; error messages from drivers can carry them, and one would
// make the whole junit.xml unreadable to CI.
const illegal = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Escapes text for XML/HTML element content and double- or single-quoted attributes. */
export function escapeXml(text: string): string {
  return text.replace(illegal, '\uFFFD').replace(/[&<>"']/g, (c) => entities[c] ?? c);
}

/** Makes text safe inside a Markdown table cell: pipes split cells, newlines end rows. */
export function escapeCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
