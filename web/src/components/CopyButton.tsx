import { useState } from 'preact/hooks';

async function copy(text: string): Promise<boolean> {
  try {
    // The Clipboard API exists only in secure contexts (https, localhost).
    if (navigator.clipboard) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    /* fall back below */
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  return ok;
}

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'done' | 'failed'>('idle');
  return (
    <button
      type="button"
      class="btn btn-small"
      onClick={async () => {
        setState((await copy(text)) ? 'done' : 'failed');
        setTimeout(() => setState('idle'), 2000);
      }}
    >
      {state === 'done' ? 'Copied ✓' : state === 'failed' ? 'Select and copy by hand' : label}
    </button>
  );
}

/** A secret or command shown once, selectable, with a copy button. */
export function CodeBlock({ text, label }: { text: string; label: string }) {
  return (
    <div class="code-block">
      <pre aria-label={label} tabIndex={0}>{text}</pre>
      <CopyButton text={text} label={`Copy ${label}`} />
    </div>
  );
}
