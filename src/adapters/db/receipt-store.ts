import { FINAL_MESSAGE_STATUSES, type MessageStatus } from '../../domain/delivery/message-status.js';
import type { Receipt, ReceiptSink } from '../../domain/ports/receipt-sink.js';
import type { Db, Prisma } from './prisma-client.js';
import { insertSuppression } from './suppression-store.js';

/**
 * Statuses a final receipt may replace. `assumed_delivered` is our guess after the receipt timeout,
 * so a late real answer (delivered or failed) still wins; every other final status is kept, which
 * makes repeated and out-of-order callbacks harmless.
 */
const RECEIPT_REPLACEABLE: MessageStatus[] = ['sending', 'assumed_delivered'];

/** Delivery receipts in the message ledger: one conditional UPDATE per receipt. */
export class PrismaReceiptStore implements ReceiptSink {
  constructor(private readonly prisma: Db) {}

  async applyReceipt(receipt: Receipt): Promise<boolean> {
    const billing: Prisma.MessageUpdateManyMutationInput = {};
    if (receipt.segments != null) billing.smsSegments = receipt.segments;
    if (receipt.costMicros != null) billing.costMicros = BigInt(Math.round(receipt.costMicros));
    const sid = receipt.providerMessageId;
    const own = receipt.messageId && /^\d{1,18}$/.test(receipt.messageId) ? BigInt(receipt.messageId) : null;
    // By provider id, or by our own id while the engine has not written the provider id yet.
    const where: Prisma.MessageWhereInput = own !== null ? { OR: [{ providerMessageId: sid }, { id: own, providerMessageId: null }] } : { providerMessageId: sid };
    if (own !== null) billing.providerMessageId = sid;

    if (!FINAL_MESSAGE_STATUSES.includes(receipt.status)) {
      // Still in flight (queued/sent at the carrier): nothing to learn but billing.
      if (Object.keys(billing).length === 0) return (await this.prisma.message.count({ where })) > 0;
      // `updatedAt` explicitly: Prisma's @updatedAt would stamp the process clock, not the injected one.
      const { count } = await this.prisma.message.updateMany({ where, data: { ...billing, updatedAt: receipt.at } });
      return count > 0;
    }

    const data: Prisma.MessageUpdateManyMutationInput = { ...billing, status: receipt.status, updatedAt: receipt.at };
    if (receipt.status === 'delivered') {
      data.deliveredAt = receipt.at;
      data.failureCategory = null;
      data.failureReason = null;
    } else {
      data.failureCategory = receipt.category ?? null;
      data.failureReason = receipt.reason ?? null;
    }
    const updated = await this.prisma.message.updateManyAndReturn({
      where: { ...where, status: { in: RECEIPT_REPLACEABLE } },
      data,
      select: { recipient: true },
    });
    let recipients = updated.map((m) => m.recipient);
    if (recipients.length === 0) {
      const known = await this.prisma.message.findMany({ where, select: { recipient: true }, take: 1 });
      if (known.length === 0) return false;
      recipients = known.map((m) => m.recipient);
    }
    if (receipt.status === 'opted_out') {
      // Even when the status did not change (a redelivered callback after a crash between the two
      // writes), the opt-out itself is a fact about the recipient and must land on the list.
      for (const address of new Set(recipients)) {
        await insertSuppression(this.prisma, { address, reason: 'provider_opt_out', source: 'twilio', at: receipt.at });
      }
    }
    return true;
  }
}
