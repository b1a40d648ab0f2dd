// "+ Register Player": the 6-character code the device shows and a name for it.
import { useState } from 'react';
import { api } from '@/api/browser';
import { ApiError, errorMessage } from '@/api/client';
import { NAME_MAX, nameProblem, normaliseCode, registerErrorText, type Player } from '@/lib/players';

export function RegisterForm({ onRegistered }: { onRegistered(p: Player): void }) {
  const [open, setOpen] = useState(false);
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [codeError, setCodeError] = useState<string | null>(null);
  const [nameError, setNameError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);

  if (!open) {
    return (
      <p>
        <button type="button" className="button" onClick={() => { setOpen(true); setDone(null); }}>+ Register Player</button>
        {done && <span className="sent small" role="status"> {done}</span>}
      </p>
    );
  }

  const submit = async () => {
    setCodeError(null);
    setNameError(null);
    if (code.length !== 6) {
      setCodeError('The code has 6 characters, as shown on the player.');
      return;
    }
    const bad = nameProblem(name);
    if (bad) {
      setNameError(bad);
      return;
    }
    setBusy(true);
    try {
      const p = await api().json<Player>('/player/register', {
        method: 'POST',
        json: { registration_code: code, name: name.trim() },
      });
      onRegistered(p);
      setCode('');
      setName('');
      setOpen(false);
      setDone(`Registered “${p.name ?? name.trim()}”. It connects within a few seconds.`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 422 && /name/i.test(e.message)) setNameError(errorMessage(e));
      else if (e instanceof ApiError) setCodeError(registerErrorText(e.status, e.code, e.message));
      else setCodeError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card register-player" aria-labelledby="reg-h" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h2 id="reg-h">Register a player</h2>
      <p className="hint">The player shows a 6-character code while it waits to be registered.</p>
      <label htmlFor="reg-code">Registration code</label>
      <input
        id="reg-code"
        className="code-input"
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        placeholder="A3F8X2"
        value={code}
        aria-invalid={codeError ? true : undefined}
        aria-describedby={codeError ? 'reg-code-err' : undefined}
        onChange={(e) => setCode(normaliseCode(e.target.value))}
      />
      {codeError && <p id="reg-code-err" className="field-error" role="alert">{codeError}</p>}
      <label htmlFor="reg-name">Player name</label>
      <input
        id="reg-name"
        required
        maxLength={NAME_MAX}
        value={name}
        aria-invalid={nameError ? true : undefined}
        aria-describedby={nameError ? 'reg-name-err' : undefined}
        onChange={(e) => setName(e.target.value)}
      />
      {nameError && <p id="reg-name-err" className="field-error" role="alert">{nameError}</p>}
      <div className="form-row">
        <button type="submit" className="button button-small" disabled={busy}>Register player</button>
        <button type="button" className="button button-small button-secondary" onClick={() => setOpen(false)}>Cancel</button>
      </div>
    </form>
  );
}
