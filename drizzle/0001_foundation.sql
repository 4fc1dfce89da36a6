CREATE TYPE "public"."council_level" AS ENUM('province', 'city', 'district', 'ward', 'commune', 'special_zone');--> statement-breakpoint
CREATE TYPE "public"."membership_role" AS ENUM('chair', 'vice_chair', 'standing_member', 'delegate', 'secretary');--> statement-breakpoint
CREATE TYPE "public"."person_kind" AS ENUM('delegate', 'official');--> statement-breakpoint
CREATE TYPE "public"."person_locale" AS ENUM('vi', 'en');--> statement-breakpoint
CREATE TYPE "public"."token_role" AS ENUM('admin', 'secretariat', 'supervisor');--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"role" "token_role" NOT NULL,
	"council_id" uuid,
	"secret_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_scope" CHECK (("api_tokens"."role" = 'admin') = ("api_tokens"."council_id" is null))
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_token_id" uuid,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"entity" text NOT NULL,
	"entity_id" text NOT NULL,
	"council_id" uuid,
	"before" jsonb,
	"after" jsonb,
	"request_id" text
);
--> statement-breakpoint
CREATE TABLE "councils" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"level" "council_level" NOT NULL,
	"parent_id" uuid,
	"active_from" date NOT NULL,
	"active_to" date,
	"timezone" text DEFAULT 'Asia/Ho_Chi_Minh' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "councils_not_own_parent" CHECK ("councils"."parent_id" is distinct from "councils"."id"),
	CONSTRAINT "councils_active_range" CHECK ("councils"."active_to" is null or "councils"."active_to" >= "councils"."active_from")
);
--> statement-breakpoint
CREATE TABLE "memberships" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"council_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"role" "membership_role" NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "memberships_range" CHECK ("memberships"."ends_on" is null or "memberships"."ends_on" >= "memberships"."starts_on")
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"full_name" text NOT NULL,
	"email" text,
	"phone" text,
	"kind" "person_kind" NOT NULL,
	"organization" text,
	"position" text,
	"locale" "person_locale" DEFAULT 'vi' NOT NULL,
	"owner_council_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_council_id_councils_id_fk" FOREIGN KEY ("council_id") REFERENCES "public"."councils"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "councils" ADD CONSTRAINT "councils_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "public"."councils"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_council_id_councils_id_fk" FOREIGN KEY ("council_id") REFERENCES "public"."councils"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_owner_council_id_councils_id_fk" FOREIGN KEY ("owner_council_id") REFERENCES "public"."councils"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_tokens_secret_hash_key" ON "api_tokens" USING btree ("secret_hash");--> statement-breakpoint
CREATE INDEX "audit_log_entity_idx" ON "audit_log" USING btree ("entity","entity_id");--> statement-breakpoint
CREATE INDEX "audit_log_council_id_idx" ON "audit_log" USING btree ("council_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "councils_code_key" ON "councils" USING btree ("code");--> statement-breakpoint
CREATE INDEX "councils_parent_id_idx" ON "councils" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "memberships_council_id_idx" ON "memberships" USING btree ("council_id");--> statement-breakpoint
CREATE INDEX "memberships_person_id_idx" ON "memberships" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "people_owner_council_id_idx" ON "people" USING btree ("owner_council_id");