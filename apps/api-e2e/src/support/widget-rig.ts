import { Client } from 'pg';

import { currentTestRun } from '@bridgenotes/testing';
import { type Browser, launchChromium } from './browser';
import { untilReady } from './http';
import { type RunningApp, startBuiltApi } from './processes';

/** What a widget browser spec runs against: the built API, its database, Debian's Chromium. */
export interface WidgetRig {
  api: RunningApp;
  apiUrl: string;
  /** This run's database, for the spec to write its community, posts and notes straight in. */
  database: Client;
  browser: Browser;
}

/**
 * Starts the built API (with `env`), connects to this run's database, calls `seed` with it
 * before the API is awaited ready, then launches the browser: the set-up every widget browser
 * spec had written out. A start that fails stops what it started.
 */
export async function startWidgetRig(
  seed: (database: Client, apiUrl: string) => Promise<void>,
  env: Record<string, string> = {},
): Promise<WidgetRig> {
  const rig: Partial<WidgetRig> = await startBuiltApi(env);
  try {
    const apiUrl = rig.apiUrl as string;
    rig.database = new Client({ connectionString: currentTestRun().databaseUrl });
    await rig.database.connect();
    await seed(rig.database, apiUrl);
    await untilReady(apiUrl);
    rig.browser = await launchChromium();
    return rig as WidgetRig;
  } catch (error) {
    // The spec's afterAll has no rig to stop: what started is stopped here.
    await stopWidgetRig(rig);
    throw error;
  }
}

/** Ends what `startWidgetRig` started, whatever part of it did start. */
export async function stopWidgetRig(rig: Partial<WidgetRig> | undefined): Promise<void> {
  await rig?.browser?.close();
  if (rig?.api?.child.exitCode === null) rig.api.child.kill('SIGKILL');
  await rig?.database?.end();
}
