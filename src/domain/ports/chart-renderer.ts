/**
 * A Chart.js 4 configuration as plain JSON data: no functions, no class instances, so any
 * QuickChart-compatible server (hosted, self-hosted or Herald's own `POST /chart`) draws it the same
 * way and none has to run code to read it.
 */
export type ChartJson = null | boolean | number | string | readonly ChartJson[] | { readonly [key: string]: ChartJson };

/** One dataset of a bar or line chart; a bar chart may draw some datasets as lines (`type: 'line'`). */
export interface ChartDataset {
  label: string;
  data: readonly number[];
  type?: 'bar' | 'line';
  /** One colour, or one per bar. */
  backgroundColor?: string | readonly string[];
  borderColor?: string;
  borderWidth?: number;
  pointRadius?: number;
  /** Drawing order: lower is drawn on top (lines over bars). */
  order?: number;
}

/** The subset of a Chart.js config Herald builds: category labels precomputed, so no date adapter is needed. */
export interface ChartConfig {
  type: 'bar' | 'line';
  data: {
    /** One label per bucket or stage; an array is drawn as several lines under the axis. */
    labels: readonly (string | readonly string[])[];
    datasets: readonly ChartDataset[];
  };
  options: { readonly [key: string]: ChartJson };
}

/** A chart ready to draw: its config, its size and what it shows in words (for alt text and files). */
export interface ChartSpec {
  /** A file-name stem in kebab-case (`activity-c12`, `funnel-c12`), unique within one report. */
  name: string;
  /** The chart's title as drawn on it, for a caption (Slack's image title, the console's list of files). */
  title: string;
  /** What the chart shows, in a sentence, for screen readers (Slack's `alt_text`) and the console. */
  altText: string;
  /** Size in CSS pixels (the PNG is this size at device pixel ratio 1). */
  width: number;
  height: number;
  config: ChartConfig;
}

/** A drawn chart, or why it could not be drawn (a report then shows its figures without the picture). */
export type ChartRendering = { ok: true; png: Uint8Array } | { ok: false; reason: string };

/** Draws a chart spec as a PNG (QuickChart, hosted or Herald's own `/chart`). Never throws: a failure is a value. */
export interface ChartRenderer {
  render(spec: ChartSpec): Promise<ChartRendering>;
}
