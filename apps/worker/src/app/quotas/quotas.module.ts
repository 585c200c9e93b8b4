import { Module } from '@nestjs/common';

import { PruneDailyCountsHandler } from './prune-daily-counts.handler';

@Module({ providers: [PruneDailyCountsHandler] })
export class QuotasModule {}
