export interface Tab { id: string; label: string }

/** Tabs as links (each tab has a URL, so a wall screen can be pointed at one). */
export function Tabs({ tabs, current, href }: { tabs: Tab[]; current: string; href: (id: string) => string }) {
  return (
    <nav class="tabs" aria-label="Sections">
      {tabs.map((tab) => (
        <a key={tab.id} href={href(tab.id)} class={tab.id === current ? 'tab active' : 'tab'} aria-current={tab.id === current ? 'page' : undefined}>
          {tab.label}
        </a>
      ))}
    </nav>
  );
}
