/** Draws a path (alternating nodes and edges) as one line of text: `EntraUser alice -OWNS-> EntraApplication app <-INSTANCE_OF- …`. */
import type { PathStep } from '../../queries/residual-access/Rule.js';

export function renderSteps(steps: PathStep[]): string {
  return steps
    .map((s) => {
      if ('edge' in s) {
        const label = s.key ? `${s.edge}(${s.key}, ${s.strength})` : s.edge;
        return s.reverse ? `<-${label}-` : `-${label}->`;
      }
      return `${s.kind} ${s.name}`;
    })
    .join(' ');
}
