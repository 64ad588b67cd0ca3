/** The merge-field template language (parsing and rendering with contact attributes). */
export interface TemplateEngine {
  /** null when the source parses, else a reason with the line. */
  check(source: string): string | null;
  /** Renders with merge data; `html` escapes every output for an HTML body. */
  render(source: string, data: Record<string, unknown>, options?: { html?: boolean }): Promise<string>;
}
