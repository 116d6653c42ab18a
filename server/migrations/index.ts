import type { MigrationObject } from '@mikro-orm/core';
import { InitialMigration } from './20261128-initial.migration';

/** Every migration, in order. Listed explicitly so the built JS and the TS sources run the same set. */
export const MIGRATIONS: MigrationObject[] = [{ name: '20261128-initial', class: InitialMigration }];
