// The door of one event (/door/:eventId): where this device scans, the camera and the typed code, the last scan's
// outcome in large type, and the live count of those checked in.
import { useEffect, useState } from 'react';
import { api } from '../../api/client.ts';
import { Link } from '../../app/router.tsx';
import { CameraReader } from '../../components/door/CameraReader.tsx';
import { CheckinCount } from '../../components/door/CheckinCount.tsx';
import { CodeEntry } from '../../components/door/CodeEntry.tsx';
import { DoorSetup } from '../../components/door/DoorSetup.tsx';
import { ScanResult } from '../../components/door/ScanResult.tsx';
import { loadDoorSettings, rememberEvent, type DoorSettings } from '../../components/door/door-settings.ts';
import { useCheckin } from '../../components/door/use-checkin.ts';
import { useCheckinCount } from '../../components/door/use-checkin-count.ts';

export function DoorPage({ params }: { params: Record<string, string> }) {
  const eventId = params.eventId!;
  const [settings, setSettings] = useState<DoorSettings | undefined>(loadDoorSettings);
  const { outcome, scan } = useCheckin(eventId, settings);
  const count = useCheckinCount(eventId);
  const title = useEventTitle(eventId);

  useEffect(() => rememberEvent(eventId), [eventId]);

  return (
    <section className="door-page">
      <h1>Door{title ? `: ${title}` : ''}</h1>
      <p className="hint">
        Event <code>{eventId}</code> · <Link href="/door">Another event</Link>
      </p>
      <DoorSetup settings={settings} onChange={setSettings} />
      {settings && (
        <>
          <ScanResult outcome={outcome} />
          <CodeEntry onCode={(code) => void scan(code)} />
          <CameraReader onCode={(code) => void scan(code)} />
        </>
      )}
      <CheckinCount count={count} />
    </section>
  );
}

/** The event's title where this account may read it (door staff accounts read nothing but the door). */
function useEventTitle(eventId: string): string | undefined {
  const [title, setTitle] = useState<string>();
  useEffect(() => {
    let live = true;
    api.events
      .GET('/events/{id}', { params: { path: { id: eventId } } })
      .then(({ data }) => live && data && setTitle(data.title))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [eventId]);
  return title;
}
