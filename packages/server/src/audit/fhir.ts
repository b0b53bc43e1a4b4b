import type { AuditEvent, AuditEventAgent, AuditEventEntity, Bundle, Coding } from '@medplum/fhirtypes';
import { isoInstant, type AuditRow } from './log.ts';

// FHIR R4 AuditEvent for each audit row (https://hl7.org/fhir/R4/auditevent.html), with codes
// from the value sets R4 binds: audit-event-type and DICOM (DCM) for the event type, the
// restful-interaction codes for subtypes of REST operations, security-source-type,
// audit-entity-type and object-role for the entities, v3-ActReason for a break-glass purpose.

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const EVENT_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-event-type';
const REST = 'http://hl7.org/fhir/restful-interaction';
const ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';
const SOURCE_TYPE = 'http://terminology.hl7.org/CodeSystem/security-source-type';
const ROLE_TYPE = 'http://terminology.hl7.org/CodeSystem/extra-security-role-type';
const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
export const CHAIN_EXTENSION = 'https://carethread.org/fhir/StructureDefinition/audit-chain';

const restType: Coding = { system: EVENT_TYPE, code: 'rest', display: 'RESTful Operation' };

function typeOf(row: AuditRow): { type: Coding; subtype: Coding[]; action: NonNullable<AuditEvent['action']> } {
  const method = row.method ?? '';
  switch (row.action) {
    case 'read':
      return { type: restType, subtype: [{ system: REST, code: 'read', display: 'read' }], action: 'R' };
    case 'search':
      return { type: restType, subtype: [{ system: REST, code: 'search-type', display: 'search type' }], action: 'E' };
    case 'export':
      return { type: { system: DCM, code: '110106', display: 'Export' }, subtype: [], action: 'R' };
    case 'sign_in':
    case 'sign_in_failed':
      return { type: { system: DCM, code: '110114', display: 'User Authentication' }, subtype: [{ system: DCM, code: '110122', display: 'Login' }], action: 'E' };
    case 'sign_out':
      return { type: { system: DCM, code: '110114', display: 'User Authentication' }, subtype: [{ system: DCM, code: '110123', display: 'Logout' }], action: 'E' };
    case 'permission_change':
      return { type: { system: DCM, code: '110136', display: 'Security Roles Changed' }, subtype: [], action: 'U' };
    case 'break_glass':
      return { type: { system: DCM, code: '110113', display: 'Security Alert' }, subtype: [], action: 'E' };
    case 'purge':
      return { type: restType, subtype: [{ system: REST, code: 'delete', display: 'delete' }], action: 'D' };
    default: {
      // Writes: POST creates or performs an operation, PUT/PATCH update, DELETE deletes.
      if (method === 'DELETE') return { type: restType, subtype: [{ system: REST, code: 'delete', display: 'delete' }], action: 'D' };
      if (method === 'PUT' || method === 'PATCH') return { type: restType, subtype: [{ system: REST, code: 'update', display: 'update' }], action: 'U' };
      return { type: restType, subtype: [{ system: REST, code: 'create', display: 'create' }], action: 'C' };
    }
  }
}

function outcomeOf(status: number | null): NonNullable<AuditEvent['outcome']> {
  if (status === null || status < 400) return '0';
  return status < 500 ? '4' : '8';
}

function agentOf(row: AuditRow): AuditEventAgent {
  const human = row.actorType === 'staff' || row.actorType === 'patient';
  const who =
    row.actorType === 'staff' && row.actorId
      ? { reference: `Practitioner/${row.actorId}` }
      : row.actorType === 'patient' && row.actorId
        ? { reference: `Patient/${row.actorId}` }
        : row.actorType === 'token' && row.actorId
          ? { identifier: { system: 'urn:carethread:api-token', value: row.actorId }, display: 'API token' }
          : { display: 'carethread (system)' };
  return {
    type: { coding: [{ system: ROLE_TYPE, code: human ? 'humanuser' : 'dataprocessor', display: human ? 'human user' : 'data processor' }] },
    ...(row.actorRole ? { role: [{ text: row.actorRole }] } : {}),
    who,
    requestor: row.actorType !== 'system',
    ...(row.ip ? { network: { address: row.ip, type: '2' as const } } : {}),
    ...(row.reason ? { purposeOfUse: [{ coding: [{ system: ACT_REASON, code: 'BTG', display: 'break the glass' }], text: row.reason }] } : {}),
  };
}

function entitiesOf(row: AuditRow): AuditEventEntity[] {
  const entities: AuditEventEntity[] = [];
  // The row's patient, then every other patient its response revealed (a search's hits).
  const others = Array.isArray(row.detail?.patientIds) ? (row.detail.patientIds as unknown[]).filter((id): id is string => typeof id === 'string') : [];
  for (const patientId of [...(row.patientId ? [row.patientId] : []), ...others]) {
    entities.push({
      what: { reference: `Patient/${patientId}` },
      type: { system: ENTITY_TYPE, code: '1', display: 'Person' },
      role: { system: OBJECT_ROLE, code: '1', display: 'Patient' },
    });
  }
  if (row.resourceType) {
    const query = row.action === 'search';
    const filters = Array.isArray(row.detail?.filters) ? (row.detail.filters as string[]) : [];
    entities.push({
      what: row.resourceId ? { identifier: { system: `urn:carethread:${row.resourceType}`, value: row.resourceId }, display: row.resourceType } : { display: row.resourceType },
      type: { system: ENTITY_TYPE, code: '2', display: 'System Object' },
      role: query ? { system: OBJECT_ROLE, code: '24', display: 'Query' } : { system: OBJECT_ROLE, code: '4', display: 'Domain Resource' },
      // Filter names only: their values could identify a patient and are never stored.
      ...(query && filters.length > 0 ? { detail: [{ type: 'filters', valueString: filters.join(',') }] } : {}),
      ...(row.route ? { description: `${row.method ?? ''} ${row.route}`.trim() } : {}),
    });
  }
  return entities;
}

export function toAuditEvent(row: AuditRow): AuditEvent {
  const { type, subtype, action } = typeOf(row);
  const event: AuditEvent = {
    resourceType: 'AuditEvent',
    id: row.id,
    extension: [
      {
        url: CHAIN_EXTENSION,
        extension: [
          { url: 'seq', valueInteger: Number(row.seq) },
          { url: 'prevHash', valueString: row.prevHash },
          { url: 'hash', valueString: row.hash },
        ],
      },
    ],
    type,
    ...(subtype.length > 0 ? { subtype } : {}),
    action,
    recorded: isoInstant(row.at),
    outcome: outcomeOf(row.outcome),
    ...(row.outcome !== null ? { outcomeDesc: `HTTP ${row.outcome}` } : {}),
    ...(row.reason ? { purposeOfEvent: [{ coding: [{ system: ACT_REASON, code: 'BTG', display: 'break the glass' }], text: row.reason }] } : {}),
    agent: [agentOf(row)],
    source: {
      site: row.organizationId,
      observer: { display: 'carethread' },
      type: [{ system: SOURCE_TYPE, code: '4', display: 'Application Server' }],
    },
  };
  const entity = entitiesOf(row);
  if (entity.length > 0) event.entity = entity;
  return event;
}

export function auditBundle(rows: AuditRow[], at: string): Bundle<AuditEvent> {
  return { resourceType: 'Bundle', type: 'collection', timestamp: at, entry: rows.map((r) => ({ fullUrl: `urn:uuid:${r.id}`, resource: toAuditEvent(r) })) };
}
