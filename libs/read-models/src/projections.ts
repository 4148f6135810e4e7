import { Projection } from './projection';
import { StatementsProjection } from './statements/statements.projection';

/** Every read model the projector keeps, in the order they are written. */
export function allProjections(): Projection[] {
  return [new StatementsProjection()];
}
