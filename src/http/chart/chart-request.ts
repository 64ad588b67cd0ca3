/**
 * QuickChart's `POST /chart` body, read as data: `chart` (a JSON object, or a string holding JSON),
 * `width`, `height`, `devicePixelRatio`, `backgroundColor` (or `bkg`), `format`, `version`. The config
 * is only ever given to JSON.parse: a QuickChart config written as JavaScript (functions, unquoted
 * keys) is refused, never run.
 */
export interface ChartRequest {
  config: Record<string, unknown>;
  width: number;
  height: number;
  devicePixelRatio: number;
  backgroundColor: string;
}

/** A request Herald will not draw: the HTTP status and the sentence that says why. */
export class ChartRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The largest image side, in device pixels (width × devicePixelRatio). */
export const MAX_SIDE_PX = 2000;
export const MIN_SIDE_PX = 10;
/** Data points over all datasets: enough for any report, few enough that one request draws in well under a second. */
export const MAX_POINTS = 20_000;
/** The chart types (and dataset types) Herald's renderer registers. */
export const CHART_TYPES = ['bar', 'line', 'pie', 'doughnut'] as const;

// QuickChart's defaults, except the pixel ratio: 1 keeps a request's size its image's size.
const DEFAULTS = { width: 500, height: 300, devicePixelRatio: 1, backgroundColor: '#ffffff' };
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const COLOUR = /^(#[0-9a-f]{3,8}|(rgb|rgba|hsl|hsla)\([\d\s.,%/]+\)|[a-z]{3,20})$/i;

/** Reads a request body (bytes as received) into a ChartRequest, or throws ChartRequestError naming the field. */
export function parseChartRequest(body: Buffer, contentType: string | undefined): ChartRequest {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new ChartRequestError(415, `Send the chart request as JSON (Content-Type: application/json), not ${type || 'no content type'}.`);
  }
  const fields = parseJson(body.toString('utf8'), 'The request body');
  if (!isPlainObject(fields)) throw new ChartRequestError(400, 'The request body must be a JSON object such as {"chart": {...}, "width": 800, "height": 400}.');

  const format = fields.format ?? 'png';
  if (format !== 'png') throw new ChartRequestError(400, `format "${String(format).slice(0, 20)}" is not drawn here: Herald's /chart makes PNG only (format "png").`);
  const version = fields.version;
  if (version !== undefined && !/^4(\.|$)/.test(String(version))) {
    throw new ChartRequestError(400, `version "${String(version).slice(0, 20)}" is not drawn here: Herald's /chart draws Chart.js 4 configs (version "4", or leave it out).`);
  }

  const width = whole(fields.width ?? fields.w, 'width', DEFAULTS.width);
  const height = whole(fields.height ?? fields.h, 'height', DEFAULTS.height);
  const devicePixelRatio = ratio(fields.devicePixelRatio);
  for (const [name, side] of [['width', width], ['height', height]] as const) {
    const px = Math.round(side * devicePixelRatio);
    if (px > MAX_SIDE_PX) throw new ChartRequestError(400, `${name} ${side} × devicePixelRatio ${devicePixelRatio} is ${px} px, over the ${MAX_SIDE_PX} px limit.`);
  }
  const backgroundColor = colour(fields.backgroundColor ?? fields.bkg);

  const chart = fields.chart ?? fields.c;
  if (chart === undefined || chart === null || chart === '') throw new ChartRequestError(400, 'The request has no "chart": give the Chart.js config as a JSON object (or a string holding JSON).');
  const config = typeof chart === 'string' ? parseConfigText(chart) : chart;
  if (!isPlainObject(config)) throw new ChartRequestError(400, '"chart" must be a Chart.js config object such as {"type": "bar", "data": {...}}.');
  checkConfig(config);
  return { config, width, height, devicePixelRatio, backgroundColor };
}

function parseConfigText(text: string): unknown {
  try {
    return JSON.parse(text, refuseForbiddenKeys);
  } catch (error) {
    if (error instanceof ChartRequestError) throw error;
    // Said plainly: hosted QuickChart would run such a config; Herald never runs what it is sent.
    if (/\bfunction\b|=>/.test(text)) {
      throw new ChartRequestError(400, '"chart" holds JavaScript (a function): Herald\'s /chart reads chart configs as JSON data and never runs code. Send the config as JSON, without functions.');
    }
    throw new ChartRequestError(400, `"chart" is not valid JSON (${describe(error)}): Herald's /chart reads chart configs as JSON data only; JavaScript object literals such as {type:'bar'} are not read (quote keys and strings with ").`);
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text, refuseForbiddenKeys);
  } catch (error) {
    if (error instanceof ChartRequestError) throw error;
    throw new ChartRequestError(400, `${what} is not valid JSON (${describe(error)}).`);
  }
}

/** Keys that would reach object prototypes when Chart.js merges options: data never needs them. */
function refuseForbiddenKeys(key: string, value: unknown): unknown {
  if (FORBIDDEN_KEYS.has(key)) throw new ChartRequestError(400, `The key "${key}" is not allowed in a chart request.`);
  return value;
}

function checkConfig(config: Record<string, unknown>): void {
  const known = CHART_TYPES as readonly unknown[];
  if (!known.includes(config.type)) {
    throw new ChartRequestError(400, `chart type ${JSON.stringify(config.type ?? null)?.slice(0, 30)} is not drawn here: Herald's /chart draws ${CHART_TYPES.join(', ')}.`);
  }
  const data = config.data;
  if (!isPlainObject(data) || !Array.isArray(data.datasets)) throw new ChartRequestError(400, 'chart.data.datasets must be a list of datasets.');
  if (data.labels !== undefined && !Array.isArray(data.labels)) throw new ChartRequestError(400, 'chart.data.labels must be a list.');
  let points = Array.isArray(data.labels) ? data.labels.length : 0;
  for (const [i, dataset] of data.datasets.entries()) {
    if (!isPlainObject(dataset)) throw new ChartRequestError(400, `chart.data.datasets[${i}] must be an object.`);
    if (dataset.type !== undefined && !known.includes(dataset.type)) {
      throw new ChartRequestError(400, `chart.data.datasets[${i}].type ${JSON.stringify(dataset.type)?.slice(0, 30)} is not drawn here: use ${CHART_TYPES.join(', ')}.`);
    }
    if (dataset.data !== undefined && !Array.isArray(dataset.data)) throw new ChartRequestError(400, `chart.data.datasets[${i}].data must be a list.`);
    points += Array.isArray(dataset.data) ? dataset.data.length : 0;
  }
  if (points > MAX_POINTS) throw new ChartRequestError(400, `The chart has ${points} labels and data points, over the ${MAX_POINTS} limit.`);
  if (config.options !== undefined && !isPlainObject(config.options)) throw new ChartRequestError(400, 'chart.options must be an object.');
}

function whole(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new ChartRequestError(400, `${name} must be a whole number of pixels from ${MIN_SIDE_PX} to ${MAX_SIDE_PX}.`);
  if (n < MIN_SIDE_PX || n > MAX_SIDE_PX) throw new ChartRequestError(400, `${name} ${n} is outside ${MIN_SIDE_PX} to ${MAX_SIDE_PX} px.`);
  return n;
}

function ratio(value: unknown): number {
  if (value === undefined || value === null) return DEFAULTS.devicePixelRatio;
  const n = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0.5 || n > 4) throw new ChartRequestError(400, 'devicePixelRatio must be a number from 0.5 to 4 (1 for ordinary screens, 2 for sharp ones).');
  return n;
}

function colour(value: unknown): string {
  if (value === undefined || value === null || value === '') return DEFAULTS.backgroundColor;
  if (typeof value !== 'string' || value.length > 40 || !COLOUR.test(value.trim())) {
    throw new ChartRequestError(400, 'backgroundColor must be a CSS colour such as #ffffff, rgb(255,255,255), white or transparent.');
  }
  return value.trim();
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 120);
}
