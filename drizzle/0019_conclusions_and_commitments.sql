CREATE TYPE "public"."commitment_status" AS ENUM('open', 'in_progress', 'done', 'dropped');--> statement-breakpoint
CREATE TYPE "public"."vote_choice" AS ENUM('for', 'against', 'abstain');--> statement-breakpoint
CREATE TABLE "commitment_updates" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"commitment_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"note" text NOT NULL,
	"progress" integer,
	"status" "commitment_status",
	"evidence_url" text,
	"actor" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "commitments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"hearing_id" uuid NOT NULL,
	"council_id" uuid NOT NULL,
	"title" text NOT NULL,
	"responsible_person_id" uuid,
	"responsible_agency" text,
	"due_on" date NOT NULL,
	"status" "commitment_status" DEFAULT 'open' NOT NULL,
	"progress" integer DEFAULT 0 NOT NULL,
	"drop_reason" text,
	"done_on" date,
	"link_hash" text,
	"revision" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "commitments_responsible" CHECK ("commitments"."responsible_person_id" is not null or "commitments"."responsible_agency" is not null),
	CONSTRAINT "commitments_progress" CHECK ("commitments"."progress" between 0 and 100),
	CONSTRAINT "commitments_dropped" CHECK (("commitments"."status" = 'dropped') = ("commitments"."drop_reason" is not null)),
	CONSTRAINT "commitments_done" CHECK (("commitments"."status" = 'done') = ("commitments"."done_on" is not null))
);
--> statement-breakpoint
CREATE TABLE "conclusion_votes" (
	"hearing_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"role" "membership_role" NOT NULL,
	"present" boolean NOT NULL,
	"vote" "vote_choice",
	CONSTRAINT "conclusion_votes_hearing_id_person_id_pk" PRIMARY KEY("hearing_id","person_id"),
	CONSTRAINT "conclusion_votes_present" CHECK ("conclusion_votes"."vote" is null or "conclusion_votes"."present")
);
--> statement-breakpoint
CREATE TABLE "conclusions" (
	"hearing_id" uuid PRIMARY KEY NOT NULL,
	"council_id" uuid NOT NULL,
	"number_symbol" text,
	"issued_on" date,
	"text" text NOT NULL,
	"committee_size" integer NOT NULL,
	"votes_for" integer NOT NULL,
	"passed" boolean NOT NULL,
	"revision" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "conclusions_rule" CHECK ("conclusions"."passed" = ("conclusions"."votes_for" * 2 > "conclusions"."committee_size")),
	CONSTRAINT "conclusions_counts" CHECK ("conclusions"."committee_size" > 0 and "conclusions"."votes_for" between 0 and "conclusions"."committee_size")
);
--> statement-breakpoint
ALTER TABLE "commitment_updates" ADD CONSTRAINT "commitment_updates_commitment_id_commitments_id_fk" FOREIGN KEY ("commitment_id") REFERENCES "public"."commitments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commitments" ADD CONSTRAINT "commitments_hearing_id_hearings_id_fk" FOREIGN KEY ("hearing_id") REFERENCES "public"."hearings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commitments" ADD CONSTRAINT "commitments_council_id_councils_id_fk" FOREIGN KEY ("council_id") REFERENCES "public"."councils"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commitments" ADD CONSTRAINT "commitments_responsible_person_id_people_id_fk" FOREIGN KEY ("responsible_person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conclusion_votes" ADD CONSTRAINT "conclusion_votes_hearing_id_conclusions_hearing_id_fk" FOREIGN KEY ("hearing_id") REFERENCES "public"."conclusions"("hearing_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conclusion_votes" ADD CONSTRAINT "conclusion_votes_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conclusions" ADD CONSTRAINT "conclusions_hearing_id_hearings_id_fk" FOREIGN KEY ("hearing_id") REFERENCES "public"."hearings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conclusions" ADD CONSTRAINT "conclusions_council_id_councils_id_fk" FOREIGN KEY ("council_id") REFERENCES "public"."councils"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "commitment_updates_commitment_idx" ON "commitment_updates" USING btree ("commitment_id","id");--> statement-breakpoint
CREATE INDEX "commitments_hearing_idx" ON "commitments" USING btree ("hearing_id");--> statement-breakpoint
CREATE INDEX "commitments_council_due_idx" ON "commitments" USING btree ("council_id","due_on");--> statement-breakpoint
CREATE UNIQUE INDEX "commitments_link_key" ON "commitments" USING btree ("link_hash");--> statement-breakpoint
CREATE INDEX "conclusions_council_idx" ON "conclusions" USING btree ("council_id");