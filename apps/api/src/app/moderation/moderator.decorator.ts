import { applyDecorators, Headers } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';

import { ApiErrors } from '../common/api-errors.decorator';
import { OPERATOR_AUTH } from '../common/operator-key.guard';

/**
 * The route's `Authorization` header, for `ModeratorKeysService.moderatorOf`: checked in the
 * handler, after the route's community is known (a guard runs before it is), so a missing
 * community answers 404 and a wrong key 401, and nothing is written before both passed.
 */
export const Authorization = (): ParameterDecorator => Headers('authorization');

/** Documents a route for a moderator of the community or the operator. */
export function ModeratorOrOperator(): MethodDecorator {
  return applyDecorators(ApiBearerAuth(OPERATOR_AUTH), ApiErrors('MODERATOR_KEY_INVALID'));
}
