import { Liquid } from 'liquidjs';
import type { TemplateEngine } from '../../domain/ports/template-engine.js';

/** Merge fields in Liquid (`{{ first_name | default: "there" }}`), HTML-escaped where output is HTML. */
export class LiquidTemplateEngine implements TemplateEngine {
  private readonly liquid = new Liquid({ strictFilters: true, ownPropertyOnly: true, cache: 500 });

  check(source: string): string | null {
    try {
      this.liquid.parse(source);
      return null;
    } catch (error) {
      return (error as Error).message.split('\n')[0] ?? 'does not parse';
    }
  }

  render(source: string, data: Record<string, unknown>): Promise<string> {
    return this.liquid.parseAndRender(source, data);
  }
}
