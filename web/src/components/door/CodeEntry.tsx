// The typed (or pasted, or keyboard-wedge scanner) code: checked on Enter, then cleared and focused for the next one.
import { useRef, useState, type FormEvent } from 'react';

export function CodeEntry({ onCode, disabled }: { onCode: (code: string) => void; disabled?: boolean }) {
  const [code, setCode] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const typed = code.trim();
    if (!typed) return;
    onCode(typed);
    setCode('');
    input.current?.focus();
  };
  return (
    <form className="code-entry" onSubmit={submit}>
      <label htmlFor="ticket-code">Ticket code</label>
      <div className="code-entry-row">
        <input
          id="ticket-code"
          ref={input}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          maxLength={2048}
          disabled={disabled}
        />
        <button type="submit" disabled={disabled}>
          Check ticket
        </button>
      </div>
    </form>
  );
}
