import { expect } from 'vitest';
import type { FakeSlackApi } from '../fakes/slack-api-server.js';

/** A PNG file's first eight bytes. */
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A chart's image block as Herald posts it: no public URL, shown by the id of a file uploaded to
 * the Slack fake, named after the block (`chart-x` → `x.png`), holding a PNG. Returns the upload.
 */
export function assertUploadedChart(slack: FakeSlackApi, image: any): FakeSlackApi['uploads'][number] {
  expect(image.image_url).toBeUndefined();
  const upload = slack.uploads.find((u) => u.id === image.slack_file.id)!;
  expect(upload.filename).toBe(`${image.block_id.replace(/^chart-/, '')}.png`);
  expect(upload.content.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  return upload;
}
