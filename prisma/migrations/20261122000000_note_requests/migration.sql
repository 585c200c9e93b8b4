-- Note requests (one per pseudonym and post in a community, with the proof that a member made
-- it) and each post's request count per community, kept in the request's transaction.

-- CreateTable
CREATE TABLE "note_requests" (
    "id" UUID NOT NULL,
    "community_id" UUID NOT NULL,
    "post_id" UUID NOT NULL,
    "requester_pseudonym" VARCHAR(80) NOT NULL,
    "post_ref" JSONB NOT NULL,
    "client_minute" INTEGER NOT NULL,
    "proof" JSONB NOT NULL,

    CONSTRAINT "note_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "post_request_counts" (
    "community_id" UUID NOT NULL,
    "post_id" UUID NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "post_request_counts_pkey" PRIMARY KEY ("community_id","post_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "note_requests_community_id_post_id_requester_pseudonym_key" ON "note_requests"("community_id", "post_id", "requester_pseudonym");

-- CreateIndex
CREATE INDEX "note_requests_community_id_id_idx" ON "note_requests"("community_id", "id");

-- CreateIndex
CREATE INDEX "post_request_counts_post_id_idx" ON "post_request_counts"("post_id");

-- AddForeignKey
ALTER TABLE "note_requests" ADD CONSTRAINT "note_requests_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "communities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "note_requests" ADD CONSTRAINT "note_requests_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "post_request_counts" ADD CONSTRAINT "post_request_counts_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "communities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "post_request_counts" ADD CONSTRAINT "post_request_counts_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
