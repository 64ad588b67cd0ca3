import type { webApi } from '@slack/bolt';

/** A drawn chart to put in Slack: its PNG and the words that go with it (from its ChartSpec). */
export interface ChartFile {
  /** File-name stem (`funnel-c12`); the file is `<name>.png`. */
  name: string;
  title: string;
  png: Uint8Array;
}

export type ChartUpload = { ok: true; fileId: string } | { ok: false; reason: string };

export interface UploadChartOptions {
  /** How many times files.info is asked whether Slack has finished with the file. */
  maxChecks?: number;
  /** Waits between checks (doubling from 250 ms); a test passes one that does not sleep. */
  wait?: (ms: number) => Promise<void>;
}

const FIRST_WAIT_MS = 250;
const MAX_CHECKS = 6;

/**
 * Uploads a chart PNG with filesUploadV2 and shares it nowhere (no channel_id): the chart is shown
 * in a message by an image block's `slack_file: { id }`, so no public image URL is needed. Slack
 * finishes an upload asynchronously and refuses an image block naming a file it has not processed
 * ("invalid slack file"), so this waits until files.info gives the file its image type, as Slack's
 * SDK maintainers advise. Needs files:write (upload) and files:read (files.info). A failure is a
 * value: the report then goes out without its picture.
 */
export async function uploadChart(client: webApi.WebClient, chart: ChartFile, options: UploadChartOptions = {}): Promise<ChartUpload> {
  const wait = options.wait ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxChecks = options.maxChecks ?? MAX_CHECKS;
  let fileId: string | undefined;
  try {
    const result = await client.filesUploadV2({ file: Buffer.from(chart.png), filename: `${chart.name}.png`, title: chart.title });
    fileId = result.files?.[0]?.files?.[0]?.id;
  } catch (error) {
    return { ok: false, reason: `Slack did not take the chart "${chart.name}.png" (${describe(error)})` };
  }
  if (!fileId) return { ok: false, reason: `Slack took the chart "${chart.name}.png" but answered no file id` };
  for (let check = 0, ms = FIRST_WAIT_MS; check < maxChecks; check++, ms *= 2) {
    try {
      const info = await client.files.info({ file: fileId });
      if (info.file?.mimetype?.startsWith('image/')) return { ok: true, fileId };
    } catch (error) {
      // Just after an upload files.info may not know the file yet; a later check will.
      if (check === maxChecks - 1) return { ok: false, reason: `Slack could not describe the uploaded chart ${fileId} (${describe(error)})` };
    }
    if (check < maxChecks - 1) await wait(ms);
  }
  return { ok: false, reason: `Slack had not finished processing the chart ${fileId} after ${maxChecks} checks` };
}

function describe(error: unknown): string {
  const data = (error as { data?: { error?: string } } | null)?.data;
  return (data?.error ?? (error instanceof Error ? error.message : String(error))).slice(0, 200);
}
