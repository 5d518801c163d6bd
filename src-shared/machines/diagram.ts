import type { AnyStateMachine } from 'xstate';

type Guard = string | { type?: string } | ((...args: never[]) => unknown);

/** A guard's name as the diagram shows it: named guards by name, `and([...])` / `or([...])` spelled out. */
function guardLabel(guard: Guard): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const parts = (guard as { guards?: Guard[] }).guards;
    if (Array.isArray(parts)) return parts.map(guardLabel).join(` ${guard.name === 'or' ? 'or' : 'and'} `);
    return guard.name || 'guard';
  }
  return String(guard.type ?? 'guard');
}

/** A Mermaid state diagram generated from a machine's own definition (never drawn by hand). */
export function mermaidStateDiagram(machine: AnyStateMachine): string {
  const lines = ['stateDiagram-v2', `  [*] --> ${String(machine.config.initial)}`];
  const states = (machine.config.states ?? {}) as Record<string, { type?: string; on?: Record<string, { target: string; guard?: Guard } | Array<{ target: string; guard?: Guard }>> }>;
  for (const [name, state] of Object.entries(states)) {
    for (const [event, transitions] of Object.entries(state.on ?? {})) {
      for (const t of Array.isArray(transitions) ? transitions : [transitions]) {
        const target = String(t.target).replace(/^\./, '');
        const label = event.replace(/^[a-z]+\./, '') + (t.guard ? ` [${guardLabel(t.guard)}]` : '');
        lines.push(`  ${name} --> ${target}: ${label}`);
      }
    }
    if (state.type === 'final') lines.push(`  ${name} --> [*]`);
  }
  return lines.join('\n');
}
