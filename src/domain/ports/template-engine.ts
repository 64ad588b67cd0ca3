/** The merge-field template language (parsing and rendering with contact attributes). */
export interface TemplateEngine {
  /** null when the source parses, else a reason with the line. */
  check(source: string): string | null;
  render(source: string, data: Record<string, unknown>): Promise<string>;
}
