// The gate and device form: asked once on a device, then shown as a line with a way to change it.
import { useState, type FormEvent } from 'react';
import { Field } from '../common/Field.tsx';
import { saveDoorSettings, suggestedDevice, type DoorSettings } from './door-settings.ts';

interface DoorSetupProps {
  settings: DoorSettings | undefined;
  onChange: (settings: DoorSettings) => void;
}

export function DoorSetup({ settings, onChange }: DoorSetupProps) {
  const [editing, setEditing] = useState(!settings);
  if (settings && !editing) {
    return (
      <p className="door-where">
        Gate <strong>{settings.gate}</strong> · device <strong>{settings.device}</strong>{' '}
        <button type="button" className="secondary" onClick={() => setEditing(true)}>
          Change gate or device
        </button>
      </p>
    );
  }
  return (
    <GateForm
      initial={settings}
      onSave={(s) => {
        saveDoorSettings(s);
        onChange(s);
        setEditing(false);
      }}
    />
  );
}

function GateForm({ initial, onSave }: { initial: DoorSettings | undefined; onSave: (s: DoorSettings) => void }) {
  const [gate, setGate] = useState(initial?.gate ?? '');
  const [device, setDevice] = useState(initial?.device ?? suggestedDevice());
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (gate.trim() && device.trim()) onSave({ gate: gate.trim(), device: device.trim() });
  };
  return (
    <form className="door-setup" onSubmit={submit} aria-label="Where you scan">
      <p>Say where you scan. This device remembers it.</p>
      <Field label="Gate" field="gate" value={gate} onChange={(e) => setGate(e.target.value)} required maxLength={64} />
      <Field label="Device" field="device" value={device} onChange={(e) => setDevice(e.target.value)} required maxLength={64} />
      <button type="submit">Start scanning</button>
    </form>
  );
}
