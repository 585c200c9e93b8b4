import { ApiProperty } from '@nestjs/swagger';
import type { JsonValue } from '@bridgenotes/protocol';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsString, Matches, ValidateNested } from 'class-validator';

import { ProofDto } from './proof.dto';
import { CharLength } from '../../common/char-length';

export class ActionDto {
  @ApiProperty({
    example: 'proof.check',
    description: 'What is done (dot-separated lowercase words)',
  })
  @Matches(/^[a-z]+(?:\.[a-z]+)*$/, {
    message: 'action.kind must be dot-separated lowercase words',
  })
  @CharLength(1, 64, { message: 'action.kind must be 1 to 64 characters' })
  kind!: string;

  @ApiProperty({ example: '', description: 'What the action is about, or "" when nothing' })
  @IsString({ message: 'action.target must be text' })
  @CharLength(0, 2048, { message: 'action.target must be at most 2048 characters' })
  target!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { hello: 'world' } })
  @IsObject({ message: 'action.payload must be an object' })
  payload!: { [key: string]: JsonValue };

  @ApiProperty({
    description: 'Client clock in whole minutes since the Unix epoch (UTC)',
    example: 29_591_488,
  })
  @IsInt({ message: 'action.clientMinute must be a whole number' })
  clientMinute!: number;
}

export class ProofCheckDto {
  @ApiProperty({ type: ActionDto })
  // ValidateNested alone lets a missing action (or a list of actions) through.
  @IsObject({ message: 'action must be an object: { kind, target, payload, clientMinute }' })
  @ValidateNested()
  @Type(() => ActionDto)
  action!: ActionDto;

  @ApiProperty({
    description: 'Semaphore v4 proof; every number a canonical decimal string',
    type: ProofDto,
  })
  @IsObject({ message: 'proof must be an object' })
  proof!: Record<string, unknown>;
}

export class ProofCheckResultDto {
  @ApiProperty({ description: "The member's pseudonym in this community: the proof's nullifier" })
  pseudonym!: string;
}
