-- CREDENTIAL admission: an account replaces a lost identity at most once per
-- CREDENTIAL_REPLACEMENT_DAYS (docs/admission.md). Without a wait, replacing again and again
-- made one account as many raters as it had tickets (the replaced pseudonyms' ratings keep
-- counting), and a way out of a block or a writing lock. The UTC day only, null until the
-- account's first replacement; an account that replaced one before this migration counts as not
-- having replaced any.
-- AlterTable
ALTER TABLE "credential_accounts" ADD COLUMN "replaced_on" DATE;
