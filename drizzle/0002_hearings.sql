CREATE TYPE "public"."calendar_day_kind" AS ENUM('day_off', 'working_day');--> statement-breakpoint
CREATE TYPE "public"."hearing_status" AS ENUM('draft', 'scheduled', 'postponed', 'held', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."hearing_visibility" AS ENUM('public', 'restricted');--> statement-breakpoint
CREATE TYPE "public"."invitation_response" AS ENUM('pending', 'accepted', 'declined', 'delegated');--> statement-breakpoint
CREATE TYPE "public"."notice_day_kind" AS ENUM('calendar', 'working');--> statement-breakpoint
CREATE TYPE "public"."participant_role" AS ENUM('explainer', 'attendee', 'guest');--> statement-breakpoint
CREATE TABLE "calendar_days" (
	"day" date PRIMARY KEY NOT NULL,
	"kind" "calendar_day_kind" NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hearing_participants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"hearing_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"role" "participant_role" NOT NULL,
	"response" "invitation_response" DEFAULT 'pending' NOT NULL,
	"substitute_name" text,
	"substitute_position" text,
	"responded_at" timestamp with time zone,
	"invitation_hash" text NOT NULL,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"blocking" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "hearing_participants_person_key" UNIQUE("hearing_id","person_id"),
	CONSTRAINT "hearing_participants_blocking" CHECK (not "hearing_participants"."blocking" or ("hearing_participants"."starts_at" is not null and "hearing_participants"."ends_at" > "hearing_participants"."starts_at"))
);
--> statement-breakpoint
CREATE TABLE "hearing_transitions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"hearing_id" uuid NOT NULL,
	"action" text NOT NULL,
	"from_status" "hearing_status",
	"to_status" "hearing_status" NOT NULL,
	"reason" text,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hearings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"council_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"location" text,
	"visibility" "hearing_visibility" DEFAULT 'public' NOT NULL,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"status" "hearing_status" DEFAULT 'draft' NOT NULL,
	"sequence" integer DEFAULT 0 NOT NULL,
	"revision" integer DEFAULT 0 NOT NULL,
	"outcome" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "hearings_times" CHECK (("hearings"."starts_at" is null) = ("hearings"."ends_at" is null) and ("hearings"."ends_at" is null or "hearings"."ends_at" > "hearings"."starts_at")),
	CONSTRAINT "hearings_timed_status" CHECK ("hearings"."status" not in ('scheduled', 'held') or "hearings"."starts_at" is not null),
	CONSTRAINT "hearings_outcome" CHECK (("hearings"."status" = 'held') = ("hearings"."outcome" is not null))
);
--> statement-breakpoint
CREATE TABLE "notice_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"legal_basis" text NOT NULL,
	"effective_from" date NOT NULL,
	"effective_to" date,
	"explainer_notice_days" integer NOT NULL,
	"day_kind" "notice_day_kind" NOT NULL,
	"verified" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notice_rules_days" CHECK ("notice_rules"."explainer_notice_days" >= 0),
	CONSTRAINT "notice_rules_range" CHECK ("notice_rules"."effective_to" is null or "notice_rules"."effective_to" >= "notice_rules"."effective_from")
);
--> statement-breakpoint
ALTER TABLE "councils" ADD COLUMN "strict_notice" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "hearing_participants" ADD CONSTRAINT "hearing_participants_hearing_id_hearings_id_fk" FOREIGN KEY ("hearing_id") REFERENCES "public"."hearings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hearing_participants" ADD CONSTRAINT "hearing_participants_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hearing_transitions" ADD CONSTRAINT "hearing_transitions_hearing_id_hearings_id_fk" FOREIGN KEY ("hearing_id") REFERENCES "public"."hearings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hearings" ADD CONSTRAINT "hearings_council_id_councils_id_fk" FOREIGN KEY ("council_id") REFERENCES "public"."councils"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "hearing_participants_invitation_key" ON "hearing_participants" USING btree ("invitation_hash");--> statement-breakpoint
CREATE INDEX "hearing_participants_person_idx" ON "hearing_participants" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "hearing_transitions_hearing_idx" ON "hearing_transitions" USING btree ("hearing_id","id");--> statement-breakpoint
CREATE INDEX "hearings_council_starts_idx" ON "hearings" USING btree ("council_id","starts_at");--> statement-breakpoint
CREATE INDEX "hearings_starts_idx" ON "hearings" USING btree ("starts_at");--> statement-breakpoint
CREATE UNIQUE INDEX "notice_rules_code_key" ON "notice_rules" USING btree ("code");