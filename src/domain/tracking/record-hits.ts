import type { HitStore } from '../ports/hit-store.js';
import { anonymizeIp } from './anonymize-ip.js';
import { classifyBatch, type ClassifySettings, type Hit } from './classify-hit.js';

export interface RecordHitsDeps {
  hits: HitStore;
  settings: ClassifySettings;
  /** TRACKING_ANONYMIZE_IP: keep the /24 or /48 only (classification still sees the full address). */
  anonymizeIp: boolean;
}

/** Classifies a batch of hits against what is stored about their messages, then writes them with their counts. */
export async function recordHits(deps: RecordHitsDeps, batch: readonly Hit[]): Promise<void> {
  if (batch.length === 0) return;
  let from = batch[0]!.at.getTime();
  let to = from;
  for (const h of batch) {
    from = Math.min(from, h.at.getTime());
    to = Math.max(to, h.at.getTime());
  }
  const ids = [...new Set(batch.map((h) => h.messageId))];
  const window = deps.settings.burstWindowMs;
  const clicked = new Set(batch.filter((h) => h.kind === 'click').map((h) => h.messageId));
  const history = await deps.hits.history(ids, clicked, new Date(from - window), new Date(to + window));
  const classes = classifyBatch(batch, history, deps.settings);
  await deps.hits.write(batch.map((h, i) => ({ ...h, ...classes[i]!, storedIp: deps.anonymizeIp ? anonymizeIp(h.ip) : h.ip })));
}
