import type { ErrorCode } from '../common/error-catalogue';

/** A post given by URL or by platform id (`PostsService.keyOf`). */
export const POST_REF_ERRORS: readonly ErrorCode[] = ['POST_REF_INVALID', 'POST_URL_INVALID'];
