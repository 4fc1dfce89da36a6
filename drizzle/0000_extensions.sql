-- Extensions the schema needs. PGlite loads them at construction (src/db/client.ts);
-- PostgreSQL needs the contrib package (postgresql-contrib) installed on the server.
CREATE EXTENSION IF NOT EXISTS btree_gist;
