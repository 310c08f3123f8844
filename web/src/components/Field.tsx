import { cloneElement, isValidElement, type ComponentChildren, type VNode } from 'preact';
import { useId } from 'preact/hooks';

/**
 * A labelled form control: `<label for>` names the control (its accessible name is the label
 * alone, not the options of a select inside it) and the hint describes it (aria-describedby).
 */
export function Field({ label, hint, children, wide = false }: { label: string; hint?: ComponentChildren; children: ComponentChildren; wide?: boolean }) {
  const id = useId();
  const hintId = `${id}-hint`;
  const control = isValidElement(children)
    ? cloneElement(children as VNode<Record<string, unknown>>, { id: (children.props as { id?: string }).id ?? id, ...(hint ? { 'aria-describedby': hintId } : {}) })
    : children;
  const controlId = isValidElement(children) ? ((children.props as { id?: string }).id ?? id) : undefined;
  return (
    <div class={`field${wide ? ' field-wide' : ''}`}>
      <label class="field-label" for={controlId}>{label}</label>
      {control}
      {hint && <span class="field-hint" id={hintId}>{hint}</span>}
    </div>
  );
}

/** Text of an input's change event. */
export const valueOf = (event: Event) => (event.currentTarget as HTMLInputElement).value;
export const checkedOf = (event: Event) => (event.currentTarget as HTMLInputElement).checked;
