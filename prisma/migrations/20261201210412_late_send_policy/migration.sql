-- CreateEnum
CREATE TYPE "LateSendPolicy" AS ENUM ('send_late', 'skip', 'ask');

-- AlterTable
ALTER TABLE "campaign" ADD COLUMN     "if_late" "LateSendPolicy" NOT NULL DEFAULT 'send_late';
