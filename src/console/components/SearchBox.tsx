/**
 * The search box (WAI-ARIA combobox with a listbox popup): as the analyst types, it asks
 * /v1/search for persons, accounts, apps, groups, credentials and roles whose name, mail, UPN,
 * login or id starts with the text, and offers them; arrows move, Enter opens, Escape closes.
 * Accounts and persons open the person view; anything else opens the graph explorer.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { get } from '../api';
import { principalOf } from '../format';
import { graphHref, navigate, subjectHref } from '../router';
import type { NodeSummary } from '../types';

/** Where a search hit opens: people and accounts in the person view, anything else in the graph explorer. */
export function hrefOf(n: NodeSummary): string {
  if (!n.subject) return graphHref(principalOf(n));
  return subjectHref(n.id);
}

export function SearchBox() {
  const [q, setQ] = useState('');
  const [items, setItems] = useState<NodeSummary[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  /** The text the suggestions shown are for (the list says so in data-for). */
  const [shownFor, setShownFor] = useState('');
  const seq = useRef(0);

  useEffect(() => {
    const text = q.trim();
    if (!text) {
      setItems([]);
      return;
    }
    // Ask at once (a prefix lookup is one index range scan); a newer keystroke cancels the older request.
    const mine = ++seq.current;
    const abort = new AbortController();
    const t = setTimeout(() => {
      get<{ items: NodeSummary[] }>('/v1/search', { q: text, limit: 12 }, abort.signal)
        .then((r) => {
          if (mine !== seq.current) return;
          setItems(r.items);
          setShownFor(text);
          setActive(r.items.length ? 0 : -1);
          setOpen(true);
        })
        .catch(() => {
          if (mine === seq.current) setItems([]);
        });
    }, 15);
    return () => {
      clearTimeout(t);
      abort.abort();
    };
  }, [q]);

  const go = (n: NodeSummary) => {
    setOpen(false);
    setQ('');
    navigate(hrefOf(n));
  };

  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(items.length - 1, a + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === 'Enter') {
      if (open && active >= 0 && items[active]) {
        e.preventDefault();
        go(items[active]);
      }
    } else if (e.key === 'Escape') {
      setOpen(false);
    }
  };

  const expanded = open && q.trim() !== '';
  return (
    <div class="search">
      <label for="search-input" class="visually-hidden">
        Search persons, accounts, apps, groups, credentials and roles
      </label>
      <input
        id="search-input"
        type="search"
        role="combobox"
        autocomplete="off"
        spellcheck={false}
        placeholder="Search a person, account, app, group, credential, role…"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls="search-list"
        aria-activedescendant={expanded && active >= 0 ? `search-opt-${active}` : undefined}
        value={q}
        onInput={(e) => setQ((e.target as HTMLInputElement).value)}
        onKeyDown={onKey}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onFocus={() => items.length && setOpen(true)}
      />
      <ul id="search-list" data-for={shownFor} role="listbox" class={expanded ? 'search-list open' : 'search-list'} aria-label="Suggestions">
        {expanded && items.length === 0 ? <li class="search-empty">No match</li> : null}
        {expanded &&
          items.map((n, i) => (
            <li
              id={`search-opt-${i}`}
              key={n.key}
              role="option"
              aria-selected={i === active}
              class={i === active ? 'active' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                go(n);
              }}
            >
              <span class="kind">{n.kind}</span> <span class="name">{n.name}</span> <span class="muted">{n.source} · {n.matched === n.name.toLowerCase() ? n.id : n.matched}</span>
            </li>
          ))}
      </ul>
    </div>
  );
}
