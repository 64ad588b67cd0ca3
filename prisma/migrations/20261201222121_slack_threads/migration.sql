-- CreateTable
CREATE TABLE "slack_thread" (
    "campaign_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "ts" TEXT,
    "owner" TEXT NOT NULL,
    "claimed_at" TIMESTAMP(3) NOT NULL,
    "last_activity_id" BIGINT,

    CONSTRAINT "slack_thread_pkey" PRIMARY KEY ("campaign_id","kind")
);
