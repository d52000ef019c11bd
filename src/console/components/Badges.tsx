/** Status, severity and closure badges: text always says what the colour says (never colour alone). */
export function Severity({ value }: { value: string | null }) {
  if (!value) return <span class="badge badge-none">none</span>;
  return <span class={`badge sev-${value}`}>{value}</span>;
}

export function Status({ value }: { value: string }) {
  return <span class={`badge st-${value}`}>{value}</span>;
}

export function Closed({ value }: { value: boolean | null }) {
  if (value === null) return <span class="badge badge-none">not departed</span>;
  return value ? <span class="badge closed-yes">closed</span> : <span class="badge closed-no">not closed</span>;
}

export function Tier0() {
  return <span class="badge tier0">tier 0</span>;
}
