-- What drizzle-kit cannot express: no double-booking, enforced by the database on both engines,
-- so that racing requests cannot both win. Needs btree_gist (0000_extensions) for uuid equality.
ALTER TABLE "hearings" ADD CONSTRAINT "hearings_no_overlap"
  EXCLUDE USING gist ("council_id" WITH =, tstzrange("starts_at", "ends_at", '[)') WITH &&)
  WHERE ("status" IN ('scheduled', 'held'));
--> statement-breakpoint
ALTER TABLE "hearing_participants" ADD CONSTRAINT "explainers_no_overlap"
  EXCLUDE USING gist ("person_id" WITH =, tstzrange("starts_at", "ends_at", '[)') WITH &&)
  WHERE ("role" = 'explainer' AND "blocking");
--> statement-breakpoint
-- Seeded notice rules; administrators edit them through /v1/notice-rules.
INSERT INTO "notice_rules" ("code", "name", "legal_basis", "effective_from", "effective_to", "explainer_notice_days", "day_kind", "verified")
VALUES
  ('law-87-2015', 'Luật Hoạt động giám sát 2015, Điều 72', 'Law 87/2015/QH13, Art. 72: the topic and plan reach each explainer at least 10 days before the hearing', '2016-07-01', '2026-02-28', 10, 'calendar', true),
  ('law-121-2025', 'Luật Hoạt động giám sát 2025', 'Law 121/2025/QH15 (from 2026-03-01): guiding resolutions not verified; the 2015 notice period is kept as a default', '2026-03-01', NULL, 10, 'calendar', false);
