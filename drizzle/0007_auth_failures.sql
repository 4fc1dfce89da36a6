CREATE TABLE "auth_failures" (
	"address" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"failures" integer NOT NULL,
	CONSTRAINT "auth_failures_address_window_start_pk" PRIMARY KEY("address","window_start")
);
