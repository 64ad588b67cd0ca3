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

-- AlterTable
ALTER TABLE "message" ADD COLUMN     "lease_owner" TEXT;

-- AlterTable
ALTER TABLE "run" ADD COLUMN     "skipped_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "window_attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "window_failures" INTEGER NOT NULL DEFAULT 0;

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
