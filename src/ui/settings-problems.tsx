/** Saved settings that could not be used: each names the default that replaced it, so nothing changes silently. */
export function SettingsProblems({ problems, fixHint }: { problems: string[]; fixHint?: string }) {
  if (!problems.length) return null;
  return (
    <div role="alert" className="alert">
      <p>Some saved settings were invalid, so defaults are used instead.{fixHint ? ` ${fixHint}` : ''}</p>
      <ul>{problems.map((text) => <li key={text}>{text}</li>)}</ul>
    </div>
  );
}
