// The bridging scorer (Community Notes' matrix factorisation and its safeguards) lands here.
// This library stays plain TypeScript: no Nest, Prisma or Redis, enforced by lint.
export {};
