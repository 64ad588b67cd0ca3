/** Slack text limits (NOTES.md "Slack platform facts"); builders cut to these, never Slack. */
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  fieldText: 2000,
  fieldsPerSection: 10,
  contextText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  actionsElements: 25,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  selectOptions: 100,
  optionText: 75,
  fallbackText: 3000,
} as const;

/** Slack treats &, < and > as control characters in mrkdwn; command output may contain `<id>`. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Splits text into pieces of at most `max` characters, preferring line breaks, so a long reply
 * becomes several sections rather than one Slack refuses.
 */
export function chunkText(text: string, max: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const pieces = line.length > max ? (line.match(new RegExp(`[\\s\\S]{1,${max}}`, 'g')) ?? ['']) : [line];
    for (const piece of pieces) {
      const next = current ? `${current}\n${piece}` : piece;
      if (next.length > max) {
        chunks.push(current);
        current = piece;
      } else {
        current = next;
      }
    }
  }
  if (current || chunks.length === 0) chunks.push(current);
  return chunks;
}
