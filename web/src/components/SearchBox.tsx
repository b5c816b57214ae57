/**
 * The search box: an ARIA 1.2 combobox over /api/suggest. ↓/↑ move through suggestions, Enter takes one (a title
 * opens its record), Esc closes the list or, when it is closed, clears the box. `/` anywhere focuses the box.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson, isAbort, type Suggestion } from '../api';

interface Props {
  value: string;
  autoFocus?: boolean;
  onSearch: (q: string) => void;
  onOpen: (id: string) => void;
}

export function SearchBox({ value, autoFocus, onSearch, onOpen }: Props) {
  const [text, setText] = useState(value);
  const [items, setItems] = useState<Suggestion[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const input = useRef<HTMLInputElement>(null);
  const typed = useRef(false);

  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (autoFocus) input.current?.focus();
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement;
      if (t.closest('input, textarea, select, [contenteditable="true"]')) return;
      e.preventDefault();
      input.current?.focus();
      input.current?.select();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  // Suggestions follow what the user types (not what a navigation put in the box), after a short pause.
  useEffect(() => {
    const q = text.trim();
    if (!typed.current || !q) {
      setItems([]);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      getJson<{ suggestions: Suggestion[] }>(`/api/suggest?${new URLSearchParams({ q, size: '8' })}`, controller.signal).then(
        (r) => {
          // A search submitted meanwhile wins: its list must not pop up over the results.
          if (!typed.current) return;
          setItems(r.suggestions);
          setActive(-1);
          setOpen(r.suggestions.length > 0);
        },
        (e) => { if (!isAbort(e)) setItems([]); },
      );
    }, 150);
    return () => { clearTimeout(timer); controller.abort(); };
  }, [text]);

  const close = () => { setOpen(false); setActive(-1); };
  const submit = (q: string) => {
    typed.current = false;
    close();
    onSearch(q.trim());
  };
  const take = (s: Suggestion) => {
    if (s.kind === 'title' && s.id) {
      typed.current = false;
      close();
      onOpen(s.id);
    } else {
      setText(s.text);
      submit(s.text);
    }
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const shown = open && items.length > 0;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (!shown && items.length) setOpen(true);
      setActive((a) => (a + 1) % Math.max(items.length, 1));
    } else if (e.key === 'ArrowUp' && shown) {
      e.preventDefault();
      setActive((a) => (a <= 0 ? items.length - 1 : a - 1));
    } else if (e.key === 'Enter' && shown && active >= 0) {
      e.preventDefault();
      take(items[active]);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      if (shown) close();
      else { typed.current = false; setText(''); }
    }
  };

  const listId = 'suggest-list';
  return (
    <form role="search" aria-label="检索改革经验" class="searchbox" onSubmit={(e) => { e.preventDefault(); submit(text); }}>
      <label for="q" class="visually-hidden">检索词</label>
      <div class="combo">
        <input
          id="q"
          ref={input}
          type="search"
          name="q"
          value={text}
          autocomplete="off"
          spellcheck={false}
          maxLength={500}
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={open && items.length > 0}
          aria-controls={listId}
          aria-activedescendant={open && active >= 0 ? `suggest-${active}` : undefined}
          aria-describedby="q-hint"
          placeholder="输入关键词，如：告知承诺制、跨境电商 退货、“一网通办”"
          onInput={(e) => { typed.current = true; setText((e.target as HTMLInputElement).value); }}
          onKeyDown={onKeyDown}
          onBlur={() => setTimeout(close, 150)}
        />
        <ul id={listId} role="listbox" aria-label="检索建议" class="suggestions" hidden={!(open && items.length > 0)}>
          {items.map((s, i) => (
            <li
              id={`suggest-${i}`}
              key={`${s.kind}-${s.text}-${i}`}
              role="option"
              aria-selected={i === active}
              class={i === active ? 'active' : ''}
              onMouseDown={(e) => { e.preventDefault(); take(s); }}
            >
              <span class="s-kind">{s.kind === 'title' ? '事项' : '词语'}</span>
              <span class="s-text">{s.text}</span>
            </li>
          ))}
        </ul>
      </div>
      <button type="submit" class="btn-primary">检索</button>
      <p id="q-hint" class="hint">按 <kbd>/</kbd> 定位检索框，<kbd>Esc</kbd> 清空；空格分隔多个词，“引号”精确匹配，-词 排除。</p>
    </form>
  );
}
