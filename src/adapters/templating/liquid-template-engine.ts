import { Liquid } from 'liquidjs';
import type { TemplateEngine } from '../../domain/ports/template-engine.js';

/** Merge fields in Liquid (`{{ first_name | default: "there" }}`), HTML-escaped where output is HTML. */
export class LiquidTemplateEngine implements TemplateEngine {
  private readonly liquid = new Liquid({ strictFilters: true, ownPropertyOnly: true, cache: 500 });
  // Contact attributes are untrusted text: in an HTML body every output is escaped (`| raw` opts out).
  private readonly liquidHtml = new Liquid({ strictFilters: true, ownPropertyOnly: true, cache: 500, outputEscape: 'escape' });

  check(source: string): string | null {
    try {
      this.liquid.parse(source);
      return null;
    } catch (error) {
      return (error as Error).message.split('\n')[0] ?? 'does not parse';
    }
  }

  render(source: string, data: Record<string, unknown>, options: { html?: boolean } = {}): Promise<string> {
    return (options.html ? this.liquidHtml : this.liquid).parseAndRender(source, data);
  }
}
