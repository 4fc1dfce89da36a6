CREATE TABLE "withdrawn_invitations" (
	"secret_hash" text PRIMARY KEY NOT NULL,
	"hearing_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"withdrawn_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "withdrawn_invitations" ADD CONSTRAINT "withdrawn_invitations_hearing_id_hearings_id_fk" FOREIGN KEY ("hearing_id") REFERENCES "public"."hearings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "withdrawn_invitations" ADD CONSTRAINT "withdrawn_invitations_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "withdrawn_invitations_withdrawn_idx" ON "withdrawn_invitations" USING btree ("withdrawn_at");