/**
 * Facet groups as fieldsets of checkboxes. Checked values are always listed (with count 0 when the current query
 * no longer has them), so a filter never hides itself; "more" shows every value the API returned.
 */
import { useState } from 'preact/hooks';
import type { FacetName, FacetValue, Filters } from '../api';

/** A label for every facet of the shared list (a facet added there must be named here, or this does not compile). */
export const FACET_LABELS: Record<FacetName, string> = { region: '地区', category: '类别', policyArea: '政策领域', department: '负责部门', source: '来源文件', scopeLevel: '推广层级', scope: '推广范围' };
const SHOWN = 6;

interface Props {
  facets: Partial<Record<FacetName, FacetValue[]>>;
  filters: Filters;
  labels: Record<string, string>;
  onToggle: (facet: FacetName, value: string) => void;
}

export function Facets({ facets, filters, labels, onToggle }: Props) {
  const names = Object.keys(FACET_LABELS) as FacetName[];
  return (
    <div class="facets">
      {names.map((f) => <FacetGroup key={f} name={f} values={facets[f] ?? []} checked={filters[f] ?? []} labels={labels} onToggle={onToggle} />)}
    </div>
  );
}

function FacetGroup({ name, values, checked, labels, onToggle }: { name: FacetName; values: FacetValue[]; checked: string[]; labels: Record<string, string>; onToggle: Props['onToggle'] }) {
  const [expanded, setExpanded] = useState(false);
  const listed = new Set(values.map((v) => v.value));
  const all: FacetValue[] = [...values, ...checked.filter((c) => !listed.has(c)).map((value) => ({ value, count: 0 }))];
  if (all.length === 0) return null;
  const top = all.slice(0, SHOWN).map((v) => v.value);
  // Shown: the first few, plus every checked value wherever it ranks.
  const shown = expanded ? all : all.filter((v) => top.includes(v.value) || checked.includes(v.value));
  const hidden = all.length - shown.length;
  const id = `facet-${name}`;
  return (
    <fieldset class="facet" id={id}>
      <legend>{FACET_LABELS[name]}</legend>
      <ul>
        {shown.map((v) => {
          const on = checked.includes(v.value);
          const label = v.label || labels[v.value] || v.value;
          return (
            <li key={v.value}>
              <label class={v.count === 0 ? 'zero' : ''}>
                <input type="checkbox" name={name} value={v.value} checked={on} onChange={() => onToggle(name, v.value)} />
                <span class="f-label">{label}</span>
                <span class="f-count" aria-label={`${v.count} 条`}>{v.count}</span>
              </label>
            </li>
          );
        })}
      </ul>
      {(hidden > 0 || expanded) && all.length > SHOWN && (
        <button type="button" class="link-btn" aria-expanded={expanded} aria-controls={id} onClick={() => setExpanded(!expanded)}>
          {expanded ? '收起' : `更多（${hidden}）`}
        </button>
      )}
    </fieldset>
  );
}

export function Chips({ filters, labels, onRemove, onClear }: { filters: Filters; labels: Record<string, string>; onRemove: (f: FacetName, v: string) => void; onClear: () => void }) {
  const active = (Object.entries(filters) as [FacetName, string[]][]).flatMap(([f, vs]) => vs.map((v) => [f, v] as const));
  if (active.length === 0) return null;
  return (
    <div class="chips" role="group" aria-label="已选筛选条件">
      <span class="chips-title">已选：</span>
      {active.map(([f, v]) => (
        <button type="button" class="chip" key={`${f}:${v}`} onClick={() => onRemove(f, v)} aria-label={`移除筛选 ${FACET_LABELS[f]}：${labels[v] ?? v}`}>
          <span class="chip-facet">{FACET_LABELS[f]}</span> {labels[v] ?? v} <span aria-hidden="true" class="chip-x">×</span>
        </button>
      ))}
      <button type="button" class="link-btn" onClick={onClear}>清除全部</button>
    </div>
  );
}
