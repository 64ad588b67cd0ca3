-- AlterTable
ALTER TABLE "activity" ADD COLUMN     "transition" TEXT;
