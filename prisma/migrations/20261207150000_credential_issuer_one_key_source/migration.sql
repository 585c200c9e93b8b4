-- An issuer has its keys inline (jwks) or at a URL (jwks_url): exactly one of the two. The API
-- checked it, but let `"jwks": null` through as if absent, storing an issuer with neither, whose
-- tickets then failed every join with a 500. Rows that break the rule are made to keep it
-- first (a JSON null is no keys): one with both keeps its inline keys (those the verifier
-- used), and one with neither, which could admit nobody, is removed (its operator adds the
-- issuer again, with keys).
UPDATE "credential_issuers" SET "jwks" = NULL WHERE "jwks" = 'null'::jsonb;

UPDATE "credential_issuers" SET "jwks_url" = NULL
 WHERE "jwks_url" IS NOT NULL AND "jwks" IS NOT NULL;

DELETE FROM "credential_issuers" WHERE "jwks_url" IS NULL AND "jwks" IS NULL;

ALTER TABLE "credential_issuers" ADD CONSTRAINT "credential_issuers_one_key_source_check"
  CHECK (("jwks_url" IS NULL) <> ("jwks" IS NULL));
