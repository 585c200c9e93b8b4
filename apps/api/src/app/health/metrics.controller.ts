import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Environment } from '@bridgenotes/config';

import { OperatorOnly } from '../common/operator-key.guard';
import { ActionProofsService } from '../membership/action-proofs.service';
import { FloodFigures } from '../throttling/flood-figures';
import { RateLimitBudgets } from '../throttling/rate-limit-budgets';
import { RATE_LIMIT_CLASSES } from '../throttling/rate-limit-class';
import { GroupGrowthService } from './group-growth.service';

type Sample = [labels: Record<string, string | number>, value: number];

/** One metric in Prometheus' text format (prom-client is not a dependency; the format is small). */
function metric(name: string, type: 'counter' | 'gauge', help: string, samples: Sample[]): string {
  const lines = samples.map(([labels, value]) => {
    const pairs = Object.entries(labels).map(
      ([key, label]) =>
        `${key}="${String(label).replace(/["\\\n]/g, (c) => `\\${c === '\n' ? 'n' : c}`)}"`,
    );
    return `${name}${pairs.length > 0 ? `{${pairs.join(',')}}` : ''} ${value}`;
  });
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines].join('\n');
}

/**
 * What an operator watches under attack (docs/operations.md, "What to watch"), for Prometheus or
 * a look with curl: refusals by class, failed and withdrawn proofs, the verifier's queue, the
 * process's CPU, and communities growing abnormally. Counts since this process started; never
 * a client's key or address. Behind the operator key, as it tells an attacker what works.
 */
@ApiTags('health')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly figures: FloodFigures,
    private readonly budgets: RateLimitBudgets,
    private readonly proofs: ActionProofsService,
    private readonly growth: GroupGrowthService,
    private readonly env: Environment,
  ) {}

  @Get()
  @OperatorOnly()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: "This process's flood figures, in Prometheus' text format (operator only)",
  })
  @ApiOkResponse({ schema: { type: 'string', example: 'bridgenotes_proofs_invalid_total 22' } })
  async metrics(): Promise<string> {
    const { figures } = this;
    const cpu = process.cpuUsage();
    const growth = await this.growth.abnormal().catch(() => []);
    return `${[
      metric(
        'bridgenotes_rate_limited_total',
        'counter',
        '429 RATE_LIMITED answers by class of route: "early" from the memory of a block, before any other work; "store" after asking the shared store.',
        RATE_LIMIT_CLASSES.flatMap((name): Sample[] => [
          [{ class: name, where: 'early' }, figures.refusedEarly[name]],
          [{ class: name, where: 'store' }, figures.refusedByStore[name]],
        ]),
      ),
      metric(
        'bridgenotes_blocked_clients',
        'gauge',
        'Clients this process remembers as over a limit (a count; none is named).',
        [[{}, this.budgets.blocked.size]],
      ),
      metric(
        'bridgenotes_proofs_invalid_total',
        'counter',
        'Proofs that reached the Groth16 check and failed it (403 PROOF_INVALID).',
        [[{}, figures.proofsInvalid]],
      ),
      metric(
        'bridgenotes_proofs_withdrawn_total',
        'counter',
        "Proofs refused unverified because their client's other proof failed while they waited (429 PROOF_WITHDRAWN).",
        [[{}, figures.proofsWithdrawn]],
      ),
      metric(
        'bridgenotes_proof_verifier_shed_total',
        'counter',
        'Proven writes shed because the verifier queue was full (503 PROOF_VERIFIER_BUSY).',
        [[{}, figures.verifierShed]],
      ),
      metric(
        'bridgenotes_proof_verifier_queued',
        'gauge',
        `Proofs waiting for a verifier thread now (at most PROOF_VERIFIER_QUEUE, ${this.env.PROOF_VERIFIER_QUEUE}).`,
        [[{}, this.proofs.queuedProofs]],
      ),
      metric(
        'bridgenotes_group_joined_last_hour',
        'gauge',
        `Members gained in the last hour by each community above GROUP_GROWTH_ALERT_PER_HOUR (${this.env.GROUP_GROWTH_ALERT_PER_HOUR}); absent when none is.`,
        growth.map(({ community, joinedLastHour }): Sample => [{ community }, joinedLastHour]),
      ),
      metric(
        'process_cpu_seconds_total',
        'counter',
        "This process's CPU time, user and system (its verifier threads included).",
        [[{}, (cpu.user + cpu.system) / 1e6]],
      ),
    ].join('\n')}\n`;
  }
}
