import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PieController,
  PointElement,
  SubTitle,
  Title,
  type ChartConfiguration,
  type Plugin,
} from 'chart.js';
import type { ChartRequest } from './chart-request.js';
import { ChartDrawError, ChartFontsError } from './draw-errors.js';

// Category labels come precomputed (Herald's builders write dates in the account zone), so no time
// scale and no date adapter; what a config needs beyond this is refused by Chart.js with a message.
Chart.register(BarController, LineController, PieController, DoughnutController, BarElement, LineElement, PointElement, ArcElement, CategoryScale, LinearScale, LogarithmicScale, Title, SubTitle, Legend, Filler);

/** True when the canvas has fonts to write with; without any, a chart would lose every label and number. */
export function fontsAvailable(): boolean {
  return GlobalFonts.families.length > 0;
}

/**
 * Draws a checked request with Chart.js on an @napi-rs/canvas canvas and encodes it as PNG. Nothing
 * in the config is run: animations, responsiveness and events are off, inline plugins are dropped,
 * and the background is painted by Herald's own plugin.
 */
export async function drawChart(request: ChartRequest): Promise<Buffer> {
  if (!fontsAvailable()) throw new ChartFontsError('this machine has no fonts');
  const { config, width, height, devicePixelRatio, backgroundColor } = request;
  const canvas = createCanvas(width, height);
  const options = { ...((config.options as Record<string, unknown> | undefined) ?? {}), animation: false, responsive: false, maintainAspectRatio: false, devicePixelRatio, events: [] };
  const background: Plugin = {
    id: 'herald-background',
    beforeDraw(chart) {
      const ctx = chart.ctx;
      ctx.save();
      ctx.fillStyle = backgroundColor;
      ctx.fillRect(0, 0, chart.width, chart.height);
      ctx.restore();
    },
  };
  const chartConfig = { type: config.type, data: config.data, options, plugins: [background] } as unknown as ChartConfiguration;
  let chart: Chart;
  try {
    // Chart.js reads a 2D context; @napi-rs/canvas's implements the calls it makes.
    chart = new Chart(canvas.getContext('2d') as unknown as ConstructorParameters<typeof Chart>[0], chartConfig);
  } catch (error) {
    throw new ChartDrawError(error instanceof Error ? error.message : String(error));
  }
  try {
    return await canvas.encode('png');
  } finally {
    chart.destroy();
  }
}
