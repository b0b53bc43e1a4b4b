/**
 * Typing indicators are ephemeral: they are never stored and do not go through the pipeline.
 * This registry reaches the chat sockets held by this process only; a deployment with several
 * server processes shows agent typing only when the agent's request lands on the process that
 * holds the patient's socket (the messages themselves always arrive, through the database).
 */

type TypingSink = (on: boolean) => void;
type PatientTypingListener = (organizationId: string, caseId: string, on: boolean) => void;

const sinks = new Map<string, Set<TypingSink>>();
const patientListeners = new Set<PatientTypingListener>();

const keyOf = (organizationId: string, caseId: string) => `${organizationId}:${caseId}`;

/** Used by the socket adapter: the widget of this case wants to hear agent typing. */
export function addTypingSink(organizationId: string, caseId: string, sink: TypingSink): () => void {
  const key = keyOf(organizationId, caseId);
  let set = sinks.get(key);
  if (!set) sinks.set(key, (set = new Set()));
  set.add(sink);
  return () => {
    set.delete(sink);
    if (set.size === 0) sinks.delete(key);
  };
}

/**
 * Shows or hides "Clinic is typing…" in the patient's widget for this case. Returns how many
 * open chat windows were told (0 when the patient is not connected to this process).
 */
export function setAgentTyping(organizationId: string, caseId: string, on: boolean): number {
  const set = sinks.get(keyOf(organizationId, caseId));
  if (!set) return 0;
  for (const sink of set) sink(on);
  return set.size;
}

/** A staff screen may listen for the patient typing; returns the unsubscribe function. */
export function onPatientTyping(listener: PatientTypingListener): () => void {
  patientListeners.add(listener);
  return () => patientListeners.delete(listener);
}

export function patientTyping(organizationId: string, caseId: string, on: boolean): void {
  for (const listener of patientListeners) {
    try {
      listener(organizationId, caseId, on);
    } catch {
      /* a broken staff listener must not affect the patient's socket */
    }
  }
}
