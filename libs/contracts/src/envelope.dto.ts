import 'reflect-metadata'; // class-transformer's @Type reads design-time types
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';
import { PRECISIONS, Precision } from './occurred-at';
import { ActorRef, Citation, Codes, Evidence, EventSource, Modality } from './envelope';
import { IsKnownCameo, IsOccurredAt } from './validators';

/** Registry ids and proposal ids: short, printable, no spaces. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
const ID_MESSAGE = '$property must be an id: letters, digits and _ . : - (at most 128)';

/** An actor, proposal, condition or agreement id (ID_PATTERN); `{ each: true }` for arrays of ids. */
export function IsId(options?: ValidationOptions): PropertyDecorator {
  return Matches(ID_PATTERN, { message: ID_MESSAGE, ...options });
}

export class ActorRefDto implements ActorRef {
  @Matches(ID_PATTERN, { message: ID_MESSAGE }) actorId: string;
  @IsOptional() @IsString() @MaxLength(64) capacity?: string;
  @IsOptional() @Matches(ID_PATTERN, { message: ID_MESSAGE }) onBehalfOf?: string;
}

export class OccurredAtDto {
  @IsString() @MaxLength(40) value: string;
  @IsIn(PRECISIONS) precision: Precision;
}

export class CodesDto implements Codes {
  /** Must be in the CAMEO table (cameo.ts): a more specific code than the default is welcome, an invented one is not. */
  @Matches(/^\d{2,4}$/, { message: 'cameo must be a CAMEO code of 2 to 4 digits' }) @IsKnownCameo() cameo: string;
  @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-10) @Max(10) goldstein: number;
}

export class ModalityDto implements Modality {
  @IsOptional() @IsBoolean() negated?: boolean;
  @IsOptional() @IsBoolean() hypothetical?: boolean;
  @IsOptional() @IsBoolean() future?: boolean;
  @IsOptional() @IsBoolean() hedged?: boolean;
}

export class EvidenceDto implements Evidence {
  @IsString() @MaxLength(4000) quote: string;
  @IsBoolean() direct: boolean;
}

export class CitationDto implements Citation {
  @IsUrl({ require_protocol: true, protocols: ['http', 'https'] }) @MaxLength(2048) url: string;
  @IsString() @MaxLength(200) outlet: string;
  @IsOptional() @IsISO8601({ strict: true, strictSeparator: true }) publishedAt?: string;
}

export class SourceDto implements EventSource {
  @Matches(ID_PATTERN, { message: ID_MESSAGE }) publisher: string;
  @IsOptional() @IsString() @MaxLength(128) correlationId?: string;
  @IsOptional() @IsString() @MaxLength(128) causationId?: string;
}

/** The envelope as validated, both at the HTTP edge and in the projector. `data` is checked per type. */
export class EnvelopeDto {
  @IsUUID('all') eventId: string;
  @IsString() @MaxLength(64) type: string;
  @IsInt() @Min(1) @Max(1000) schemaVersion: number;
  @IsObject() @IsOccurredAt() @ValidateNested() @Type(() => OccurredAtDto) occurredAt: OccurredAtDto;
  @IsOptional() @IsISO8601({ strict: true, strictSeparator: true }) reportedAt?: string;
  @IsObject({ each: true }) @ValidateNested({ each: true }) @ArrayMinSize(1) @ArrayMaxSize(50) @Type(() => ActorRefDto) actors: ActorRefDto[];
  @IsOptional() @IsObject({ each: true }) @ValidateNested({ each: true }) @ArrayMaxSize(50) @Type(() => ActorRefDto) recipients?: ActorRefDto[];
  @IsOptional() @Matches(ID_PATTERN, { message: ID_MESSAGE }) proposalId?: string;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => CodesDto) codes?: CodesDto;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => ModalityDto) modality?: ModalityDto;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => EvidenceDto) evidence?: EvidenceDto;
  @IsOptional() @IsObject({ each: true }) @ValidateNested({ each: true }) @ArrayMaxSize(50) @Type(() => CitationDto) citations?: CitationDto[];
  @IsObject() @ValidateNested() @Type(() => SourceDto) source: SourceDto;
  @IsObject() data: Record<string, unknown>;
}
