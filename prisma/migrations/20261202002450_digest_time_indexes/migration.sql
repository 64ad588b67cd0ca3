-- CreateIndex
CREATE INDEX "message_sent_at_brin" ON "message" USING BRIN ("sent_at");

-- CreateIndex
CREATE INDEX "tracking_event_occurred_at_brin" ON "tracking_event" USING BRIN ("occurred_at");
