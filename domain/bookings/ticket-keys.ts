// Each event's ticket signing keys (the ticket_key table, TicketKey in entities/bookings/ticket.entity.ts): the newest
// not retired signs, every one not retired verifies, so a rotation never voids a ticket already sent; retiring a key
// (a leak) voids every code it signed.
//
// The private keys are kept in the table as JWK, readable by whoever reads the bookings database. An operator who
// wants them out of it moves the signing to a KMS holding the private halves, keeping only the public JWK here.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { JWK } from 'jose';
import { newTicketKeyMaterial, type TicketKeyMaterial, type VerifyingKey } from './ticket-codes.ts';

interface KeyRow {
  kid: string;
  event_id: string;
  public_jwk: JWK;
  private_jwk: JWK;
  rotation_secret: string;
}

const COLUMNS = 'kid, event_id, public_jwk, private_jwk, rotation_secret';
const NEWEST_FIRST = 'order by created_at desc, kid desc';

/**
 * A key is newer than every other of its event, whatever the clock did (two created in one millisecond, a clock set
 * back): the order of creation is the order of signing.
 */
const INSERT = `insert into ticket_key (kid, event_id, public_jwk, private_jwk, rotation_secret, created_at)
  values (?, ?, ?, ?, ?, greatest(clock_timestamp(),
    (select max(created_at) + interval '1 millisecond' from ticket_key where event_id = ?)))
  on conflict (kid) do nothing`;

function materialOf(row: KeyRow): TicketKeyMaterial {
  return {
    kid: row.kid,
    eventId: row.event_id,
    publicJwk: row.public_jwk,
    privateJwk: row.private_jwk,
    rotationSecret: row.rotation_secret,
  };
}

function verifyingOf(row: Omit<KeyRow, 'private_jwk'>): VerifyingKey {
  return { kid: row.kid, eventId: row.event_id, publicJwk: row.public_jwk, rotationSecret: row.rotation_secret };
}

async function newestKey(em: EntityManager, eventId: string): Promise<TicketKeyMaterial | undefined> {
  const [row] = await em.execute<KeyRow[]>(
    `select ${COLUMNS} from ticket_key where event_id = ? and retired_at is null ${NEWEST_FIRST} limit 1`,
    [eventId],
  );
  return row ? materialOf(row) : undefined;
}

/** Runs `run` holding the event's key lock until its transaction ends: one key change of an event at a time. */
function underEventKeyLock<T>(em: EntityManager, eventId: string, run: (em: EntityManager) => Promise<T>): Promise<T> {
  return em.transactional(async (tx) => {
    await tx.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`ticket-key:${eventId}`]);
    return run(tx);
  });
}

async function insertKey(em: EntityManager, eventId: string): Promise<TicketKeyMaterial> {
  const key = await newTicketKeyMaterial(eventId);
  await em.execute(INSERT, [key.kid, eventId, JSON.stringify(key.publicJwk), JSON.stringify(key.privateJwk), key.rotationSecret, eventId]);
  return key;
}

/**
 * The event's signing key, created on first use. Two first uses at once end with one key: the second waits for the
 * first's lock and then finds its key.
 */
export async function signingKey(em: EntityManager, eventId: string): Promise<TicketKeyMaterial> {
  const known = await newestKey(em, eventId);
  if (known) return known;
  return underEventKeyLock(em, eventId, async (tx) => (await newestKey(tx, eventId)) ?? insertKey(tx, eventId));
}

/** Every key of the event not retired (newest first): what verifies its tickets. */
export async function verifyingKeys(em: EntityManager, eventId: string): Promise<VerifyingKey[]> {
  const rows = await em.execute<KeyRow[]>(
    `select kid, event_id, public_jwk, rotation_secret from ticket_key where event_id = ? and retired_at is null ${NEWEST_FIRST}`,
    [eventId],
  );
  return rows.map(verifyingOf);
}

/** A new signing key; the previous ones keep verifying (retire them with retireKey). */
export async function rotateKey(em: EntityManager, eventId: string): Promise<TicketKeyMaterial> {
  return underEventKeyLock(em, eventId, (tx) => insertKey(tx, eventId));
}

/**
 * Retires one key of the event: the codes it signed no longer verify, and the next newest key signs (a new one is
 * made on next use when none is left). Answers whether a key was retired by this call (false for an unknown kid, one of
 * another event, or one already retired).
 */
export async function retireKey(em: EntityManager, eventId: string, kid: string): Promise<boolean> {
  return underEventKeyLock(em, eventId, async (tx) => {
    const retired = await tx.execute<{ kid: string }[]>(
      'update ticket_key set retired_at = clock_timestamp() where event_id = ? and kid = ? and retired_at is null returning kid',
      [eventId, kid],
    );
    return retired.length > 0;
  });
}

/** The keys named by `kids`, of whatever event, not retired: for telling another event's ticket from a forgery. */
export async function keysByKid(em: EntityManager, kids: string[]): Promise<VerifyingKey[]> {
  const wanted = [...new Set(kids.filter((kid) => typeof kid === 'string' && kid.length > 0 && kid.length <= 64))];
  if (wanted.length === 0) return [];
  const rows = await em.execute<KeyRow[]>(
    `select kid, event_id, public_jwk, rotation_secret from ticket_key where kid in (${wanted.map(() => '?').join(', ')}) and retired_at is null`,
    wanted,
  );
  return rows.map(verifyingOf);
}
