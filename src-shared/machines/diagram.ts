import type { AnyStateMachine } from 'xstate';

/** A Mermaid state diagram generated from a machine's own definition (never drawn by hand). */
export function mermaidStateDiagram(machine: AnyStateMachine): string {
  const lines = ['stateDiagram-v2', `  [*] --> ${String(machine.config.initial)}`];
  const states = (machine.config.states ?? {}) as Record<string, { type?: string; on?: Record<string, { target: string; guard?: string } | Array<{ target: string; guard?: string }>> }>;
  for (const [name, state] of Object.entries(states)) {
    for (const [event, transitions] of Object.entries(state.on ?? {})) {
      for (const t of Array.isArray(transitions) ? transitions : [transitions]) {
        const target = String(t.target).replace(/^\./, '');
        const label = event.replace(/^[a-z]+\./, '') + (t.guard ? ` [${String(t.guard)}]` : '');
        lines.push(`  ${name} --> ${target}: ${label}`);
      }
    }
    if (state.type === 'final') lines.push(`  ${name} --> [*]`);
  }
  return lines.join('\n');
}
