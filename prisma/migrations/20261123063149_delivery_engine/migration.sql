-- DropForeignKey
ALTER TABLE "message" DROP CONSTRAINT "message_campaign_id_fkey";

-- DropForeignKey
ALTER TABLE "message" DROP CONSTRAINT "message_contact_id_fkey";

-- DropForeignKey
ALTER TABLE "message" DROP CONSTRAINT "message_run_id_fkey";

-- DropIndex
DROP INDEX "message_campaign_id_status_idx";

-- DropIndex
DROP INDEX "message_provider_message_id_idx";

-- DropIndex: every index costs each row of a run build, and counts by status read through (run_id, recipient).
DROP INDEX "message_run_id_status_idx";

-- AlterTable: channels are provider names now (a new channel is one adapter file, no migration),
-- converted in place, keeping every row's channel.
ALTER TABLE "campaign" ALTER COLUMN "channel" TYPE TEXT USING "channel"::text;

-- AlterTable
ALTER TABLE "message" ADD COLUMN     "lease_owner" TEXT,
ALTER COLUMN "channel" TYPE TEXT USING "channel"::text;

-- AlterTable
ALTER TABLE "run" ADD COLUMN     "skipped_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "window_attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "window_failures" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "template" ALTER COLUMN "channel" TYPE TEXT USING "channel"::text;

-- DropEnum
DROP TYPE "Channel";

-- CreateTable
CREATE TABLE "app_setting" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "app_setting_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "message_claimable_idx" ON "message"("run_id", "next_attempt_at", "id") WHERE (status = ANY (ARRAY['queued'::"MessageStatus", 'retrying'::"MessageStatus"]));

-- CreateIndex
CREATE INDEX "message_provider_message_id_idx" ON "message"("provider_message_id") WHERE (provider_message_id IS NOT NULL);

-- CreateIndex
CREATE INDEX "message_in_flight_idx" ON "message"("lease_until") WHERE (status = 'sending');
