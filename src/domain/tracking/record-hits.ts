import type { ClassifiedHit, HitStore } from '../ports/hit-store.js';
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
  const classified = new Array<ClassifiedHit>(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const h = batch[i]!;
    const c = classes[i]!;
    classified[i] = {
      kind: h.kind,
      at: h.at,
      method: h.method,
      userAgent: h.userAgent,
      ip: h.ip,
      messageId: h.messageId,
      linkId: h.linkId,
      linksInMessage: h.linksInMessage,
      hasPixel: h.hasPixel,
      classification: c.classification,
      reason: c.reason,
      storedIp: deps.anonymizeIp ? anonymizeIp(h.ip) : h.ip,
    };
  }
  await deps.hits.write(classified);
}
