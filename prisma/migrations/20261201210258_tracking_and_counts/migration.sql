-- DropForeignKey: hits are written on the hot path and, like the ledger, the writer joins what it refers to.
ALTER TABLE "tracking_event" DROP CONSTRAINT "tracking_event_link_id_fkey";

-- DropForeignKey
ALTER TABLE "tracking_event" DROP CONSTRAINT "tracking_event_message_id_fkey";

-- CreateEnum
CREATE TYPE "HitClass" AS ENUM ('human', 'bot_window', 'scanner', 'privacy_proxy');

-- AlterTable
ALTER TABLE "campaign" ADD COLUMN     "tracking" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "tracking_event" DROP COLUMN "bot_reason",
DROP COLUMN "is_bot",
ADD COLUMN     "classification" "HitClass" NOT NULL DEFAULT 'human',
ADD COLUMN     "method" TEXT NOT NULL DEFAULT 'GET',
ADD COLUMN     "reason" TEXT;

-- CreateTable
CREATE TABLE "run_status_count" (
    "run_id" INTEGER NOT NULL,
    "variant" TEXT NOT NULL DEFAULT '',
    "status" "MessageStatus" NOT NULL,
    "category" TEXT NOT NULL DEFAULT '',
    "count" BIGINT NOT NULL DEFAULT 0,
    "segments" BIGINT NOT NULL DEFAULT 0,
    "cost_micros" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "run_status_count_pkey" PRIMARY KEY ("run_id","variant","status","category")
);

-- CreateTable
CREATE TABLE "run_event_count" (
    "run_id" INTEGER NOT NULL,
    "variant" TEXT NOT NULL DEFAULT '',
    "metric" TEXT NOT NULL,
    "count" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "run_event_count_pkey" PRIMARY KEY ("run_id","variant","metric")
);

-- CreateTable
CREATE TABLE "tracking_first" (
    "message_id" BIGINT NOT NULL,
    "kind" TEXT NOT NULL,

    CONSTRAINT "tracking_first_pkey" PRIMARY KEY ("message_id","kind")
);

-- CreateTable
CREATE TABLE "link_click_count" (
    "link_id" INTEGER NOT NULL,
    "total" BIGINT NOT NULL DEFAULT 0,
    "unique" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "link_click_count_pkey" PRIMARY KEY ("link_id")
);

-- Status counts per (run, variant, status, failure category), with SMS segments and cost, kept as
-- message rows are written: one aggregate of the statement's transition tables per statement (a
-- 1M-row run build is one GROUP BY, a ledger round a small one). Writes that change none of them
-- (hand-overs, lease renewals) touch no count row. Rows are upserted in key order so concurrent
-- writers lock them in the same order. The body is an E'' string with its semicolons written \x3b:
-- the schema engine splits a migration at every semicolon, quoted or not.
CREATE FUNCTION herald_message_status_counts() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''INSERT'' THEN
    INSERT INTO run_status_count AS c (run_id, variant, status, category, count, segments, cost_micros)
    SELECT run_id, coalesce(variant, ''''), status, coalesce(failure_category, ''''), count(*), coalesce(sum(sms_segments), 0), coalesce(sum(cost_micros), 0)
    FROM new_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (run_id, variant, status, category) DO UPDATE
      SET count = c.count + excluded.count, segments = c.segments + excluded.segments, cost_micros = c.cost_micros + excluded.cost_micros\x3b
  ELSIF TG_OP = ''UPDATE'' THEN
    INSERT INTO run_status_count AS c (run_id, variant, status, category, count, segments, cost_micros)
    SELECT run_id, variant, status, category, sum(n), sum(s), sum(k) FROM (
      SELECT run_id, coalesce(variant, '''') AS variant, status, coalesce(failure_category, '''') AS category, -1 AS n, -coalesce(sms_segments, 0) AS s, -coalesce(cost_micros, 0) AS k FROM old_rows
      UNION ALL
      SELECT run_id, coalesce(variant, ''''), status, coalesce(failure_category, ''''), 1, coalesce(sms_segments, 0), coalesce(cost_micros, 0) FROM new_rows
    ) x GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 OR sum(s) <> 0 OR sum(k) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (run_id, variant, status, category) DO UPDATE
      SET count = c.count + excluded.count, segments = c.segments + excluded.segments, cost_micros = c.cost_micros + excluded.cost_micros\x3b
  ELSE
    INSERT INTO run_status_count AS c (run_id, variant, status, category, count, segments, cost_micros)
    SELECT run_id, coalesce(variant, ''''), status, coalesce(failure_category, ''''), -count(*), -coalesce(sum(sms_segments), 0), -coalesce(sum(cost_micros), 0)
    FROM old_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (run_id, variant, status, category) DO UPDATE
      SET count = c.count + excluded.count, segments = c.segments + excluded.segments, cost_micros = c.cost_micros + excluded.cost_micros\x3b
  END IF\x3b
  RETURN NULL\x3b
END';

CREATE TRIGGER message_status_counts_insert AFTER INSERT ON message
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION herald_message_status_counts();
CREATE TRIGGER message_status_counts_update AFTER UPDATE ON message
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION herald_message_status_counts();
CREATE TRIGGER message_status_counts_delete AFTER DELETE ON message
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION herald_message_status_counts();

-- Messages written before this migration.
INSERT INTO run_status_count (run_id, variant, status, category, count, segments, cost_micros)
SELECT run_id, coalesce(variant, ''), status, coalesce(failure_category, ''), count(*), coalesce(sum(sms_segments), 0), coalesce(sum(cost_micros), 0) FROM message GROUP BY 1, 2, 3, 4;

-- Unsubscribe events written before this migration, counted as the unsubscribe store now counts them.
INSERT INTO run_event_count (run_id, variant, metric, count)
SELECT m.run_id, coalesce(m.variant, ''), 'unsubscribe', count(*)
FROM tracking_event e JOIN message m ON m.id = e.message_id WHERE e.type = 'unsubscribe' GROUP BY 1, 2;
