import { z } from 'zod';
import { CheckpointId, Grams, id, OffsetDateTime, Plate, ResidentId, text, uuidLike } from './common';
import { PrecursorId, SubstanceId } from './substances';

export const EVENT_TYPES = ['inspection', 'drug_test', 'seizure'] as const;
export const EventType = z.enum(EVENT_TYPES);

/** A person named by an event: the id is validated and normalised to 18 characters. */
export const PersonRef = z.object({ idNumber: ResidentId, name: text(50).optional() });
export const VEHICLE_KINDS = ['car', 'van', 'truck', 'coach', 'bus', 'hazmat', 'motorcycle', 'other'] as const;
export const VehicleKind = z.enum(VEHICLE_KINDS);
export const PLATE_COLORS = ['blue', 'yellow', 'green', 'yellow_green', 'white', 'black'] as const;
/** Precursor chemicals carried (inspection cargo) or seized, with the permit the carrier showed. */
export const PrecursorCargo = z.object({
  chemical: PrecursorId,
  quantityKg: z.number().positive().max(1_000_000),
  permitNo: text(40).optional(),
});
const Person = PersonRef;

/** Fields every event carries. `eventId` is made by the terminal and is the idempotency key. */
const Base = {
  schemaVersion: z.literal(1).default(1),
  eventId: uuidLike,
  occurredAt: OffsetDateTime,
  checkpointId: CheckpointId,
  terminalId: text(40).min(1),
  officerIds: z.array(id).min(1).max(10),
};

export const InspectionSchema = z.object({
  ...Base,
  type: z.literal('inspection'),
  vehicle: z.object({
    plate: Plate,
    plateColor: z.enum(PLATE_COLORS).optional(),
    kind: VehicleKind,
    direction: z.enum(['inbound', 'outbound']),
  }),
  driver: Person,
  passengers: z.array(Person).max(80).default([]),
  cargo: z.object({ description: text(500).default(''), precursors: z.array(PrecursorCargo).max(20).default([]) }).optional(),
  findings: z.object({ suspicious: z.boolean(), indicators: z.array(text(40)).max(20).default([]), note: text(2000).default('') }).default({ suspicious: false, indicators: [], note: '' }),
  outcome: z.enum(['released', 'held', 'referred']),
});

export const DrugTestSchema = z.object({
  ...Base,
  type: z.literal('drug_test'),
  subject: Person,
  /** The inspection that led to the test (逢嫌必检), when there was one. */
  relatedEventId: uuidLike.optional(),
  /** What the subject was driving, so coach and hazmat drivers' positives are escalated. */
  vehicle: z.object({ plate: Plate.optional(), kind: VehicleKind.optional() }).optional(),
  reason: text(60).default('routine'),
  specimen: z.enum(['saliva', 'urine', 'hair', 'blood']),
  kit: z.object({ model: text(40), lot: text(40) }),
  results: z.array(z.object({ substance: SubstanceId, outcome: z.enum(['positive', 'negative', 'invalid']), cutoffNgMl: z.number().positive().max(100_000).optional() })).min(1).max(20),
  alcohol: z.object({ mgPer100ml: z.number().min(0).max(1000) }).optional(),
});

export const SeizureSchema = z.object({
  ...Base,
  type: z.literal('seizure'),
  relatedEventId: uuidLike.optional(),
  items: z
    .array(
      z.object({
        substance: SubstanceId,
        form: z.enum(['crystal', 'powder', 'tablet', 'liquid', 'plant', 'paste', 'other']),
        netWeightGrams: Grams,
        packages: z.number().int().min(1).max(100_000),
        concealment: text(60),
      }),
    )
    .max(50)
    .default([]),
  cashCny: z.number().min(0).max(1e10).multipleOf(0.01, 'yuan to the fen (2 decimals)').default(0),
  vehicles: z.array(z.object({ plate: Plate })).max(20).default([]),
  persons: z.array(Person.extend({ role: z.enum(['driver', 'passenger', 'owner', 'courier', 'other']), detained: z.boolean() })).max(50).default([]),
  precursors: z.array(PrecursorCargo).max(20).default([]),
});

export const EventSchema = z.discriminatedUnion('type', [InspectionSchema, DrugTestSchema, SeizureSchema]);
export type Inspection = z.infer<typeof InspectionSchema>;
export type DrugTest = z.infer<typeof DrugTestSchema>;
export type Seizure = z.infer<typeof SeizureSchema>;
export type Event = z.infer<typeof EventSchema>;
export type EventType = z.infer<typeof EventType>;

/** Plates and persons an event names, with their role (for matching, indexing and sightings). */
export function eventSubjects(e: Event): { plates: string[]; persons: Array<{ idNumber: string; role: string }> } {
  switch (e.type) {
    case 'inspection':
      return { plates: [e.vehicle.plate], persons: [{ idNumber: e.driver.idNumber, role: 'driver' }, ...e.passengers.map((p) => ({ idNumber: p.idNumber, role: 'passenger' }))] };
    case 'drug_test':
      return { plates: e.vehicle?.plate ? [e.vehicle.plate] : [], persons: [{ idNumber: e.subject.idNumber, role: 'subject' }] };
    case 'seizure':
      return { plates: e.vehicles.map((v) => v.plate), persons: e.persons.map((p) => ({ idNumber: p.idNumber, role: p.role })) };
  }
}
