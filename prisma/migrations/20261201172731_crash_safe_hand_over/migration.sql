-- AlterTable
ALTER TABLE "message" ADD COLUMN     "handed_over_at" TIMESTAMP(3);
