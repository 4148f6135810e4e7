import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Principal } from '@ledger/ledger-store';

/** The caller resolved by AuthGuard. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  return context.switchToHttp().getRequest<{ principal: Principal }>().principal;
});
