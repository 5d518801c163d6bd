import { randomBytes } from 'node:crypto';
import type { Role } from '../../../src-shared/roles';

/** Signed-in sessions of this desk. Held in memory: a restart signs everyone out. */
export interface Session {
  token: string;
  userId: string;
  role: Role;
  clinicId: string;
  lastActivity: number;
  locked: boolean;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  create(user: { userId: string; role: Role; clinicId: string }, now: number): Session {
    const session: Session = { token: randomBytes(32).toString('base64url'), ...user, lastActivity: now, locked: false };
    this.sessions.set(session.token, session);
    return session;
  }

  /** The session for a token, locked first if it has been idle longer than the clinic allows. */
  get(token: string | null | undefined, now: number, idleLockMinutes: number): Session | null {
    if (!token) return null;
    const session = this.sessions.get(token);
    if (!session) return null;
    if (!session.locked && now - session.lastActivity > idleLockMinutes * 60_000) session.locked = true;
    return session;
  }

  touch(session: Session, now: number): void {
    session.lastActivity = now;
  }

  delete(token: string): void {
    this.sessions.delete(token);
  }

  /** Ends every session of a user (deactivated, or password reset by an admin). */
  deleteForUser(userId: string): void {
    for (const [token, s] of this.sessions) if (s.userId === userId) this.sessions.delete(token);
  }

  updateRole(userId: string, role: Role): void {
    for (const s of this.sessions.values()) if (s.userId === userId) s.role = role;
  }
}
