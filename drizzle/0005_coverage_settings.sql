ALTER TABLE "councils" ADD COLUMN "coverage_target" numeric(4, 3) DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "councils" ADD COLUMN "coverage_min_hearings" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "councils" ADD COLUMN "coverage_public" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "councils" ADD CONSTRAINT "councils_coverage_target" CHECK ("councils"."coverage_target" >= 0 and "councils"."coverage_target" <= 1);--> statement-breakpoint
ALTER TABLE "councils" ADD CONSTRAINT "councils_coverage_min" CHECK ("councils"."coverage_min_hearings" >= 1);