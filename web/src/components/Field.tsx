import type { ComponentChildren } from 'preact';

/** A labelled form control; the label wraps the control so clicking it focuses the control. */
export function Field({ label, hint, children, wide = false }: { label: string; hint?: ComponentChildren; children: ComponentChildren; wide?: boolean }) {
  return (
    <label class={`field${wide ? ' field-wide' : ''}`}>
      <span class="field-label">{label}</span>
      {children}
      {hint && <span class="field-hint">{hint}</span>}
    </label>
  );
}

/** Text of an input's change event. */
export const valueOf = (event: Event) => (event.currentTarget as HTMLInputElement).value;
export const checkedOf = (event: Event) => (event.currentTarget as HTMLInputElement).checked;
