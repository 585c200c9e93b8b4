import { ApiProperty } from '@nestjs/swagger';

/** A canonical decimal: no sign, no leading zero, no hex. */
const DECIMAL = '^(0|[1-9][0-9]*)$';

/**
 * The OpenAPI schema of a proof as it travels (docs/protocol.md, "Proofs"). Documentation only:
 * the DTOs that carry it check just that it is an object, so that every flaw in it is answered
 * by the protocol's own check with its stable code (`PROOF_MALFORMED`, `PROOF_DEPTH`, …)
 * instead of a generic `VALIDATION_FAILED`.
 */
export class ProofDto {
  @ApiProperty({ enum: [20], example: 20, description: 'The Merkle tree depth; always 20' })
  merkleTreeDepth!: number;

  @ApiProperty({
    pattern: DECIMAL,
    example: '14813891470151262385383936279577993536096011436412426463815327862424063587826',
    description: "A root the community's group has had, below the BN254 scalar field",
  })
  merkleTreeRoot!: string;

  @ApiProperty({
    pattern: DECIMAL,
    example: '5140413562547613208916453283829917018405567891012323456789065438215432105432',
    description: "The member's pseudonym in the community, below the BN254 scalar field",
  })
  nullifier!: string;

  @ApiProperty({
    pattern: DECIMAL,
    example: '8174999315059890602833992294136747151755817186175180383333572530766419374309',
    description: "SHA-256 of the action's canonical encoding, as an integer below 2^256",
  })
  message!: string;

  @ApiProperty({
    pattern: DECIMAL,
    example: '66102944797109343481674650075141420506727958523735800160478441671577692276692',
    description: "The community's scope, below 2^256",
  })
  scope!: string;

  @ApiProperty({
    type: [String],
    minItems: 8,
    maxItems: 8,
    items: { type: 'string', pattern: DECIMAL },
    example: ['1', '2', '3', '4', '5', '6', '7', '8'],
    description: 'The Groth16 proof: eight coordinates below the BN254 base field',
  })
  points!: string[];
}
