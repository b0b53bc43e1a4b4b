ALTER TABLE "continuations" RENAME COLUMN "code" TO "code_hash";--> statement-breakpoint
DROP INDEX "continuations_code";--> statement-breakpoint
CREATE INDEX "continuations_code" ON "continuations" USING btree ("organization_id","code_hash");--> statement-breakpoint
-- Codes issued before keyed hashing (issue 12, item 5) are not migrated: the key lives in the
-- server, not in the database, and the codes live 10 (portal) or 30 (continuation) minutes.
-- They stop working at the upgrade and their stored form, a clear continuation code or an
-- unkeyed digest of a portal code, is overwritten so a later dump holds nothing to try.
-- Continuation links and replies from the invited address still redeem (they never used the code).
UPDATE "continuations" SET "code_hash" = 'retired';--> statement-breakpoint
UPDATE "portal_codes" SET "code_hash" = 'retired', "expires_at" = least("expires_at", now());
