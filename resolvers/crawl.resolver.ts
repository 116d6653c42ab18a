import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, ID, Info, Mutation, Query, Resolver } from 'type-graphql';
import { CrawlKind, CrawlRun, CrawlRunStatus } from '../entities';
import { PageArgs } from '../schema/connection';
import { CrawlRunConnection, StartCrawlInput } from '../schema/market.types';
import { Permission } from '../services/access/permissions';
import { getCrawlRun, listCrawlRuns } from '../services/crawl/crawl-runs';
import { crawlPolicy, startCrawl } from '../services/crawl/start-crawl';
import { NotFoundError } from '../services/errors';
import type { Context } from './context';
import { selects } from './selection';

@Resolver(() => CrawlRun)
export class CrawlResolver {
  @Authorized(Permission.MARKET_READ)
  @Query(() => CrawlRunConnection, { description: 'Crawl runs in your jurisdiction, newest first: progress and outcome' })
  crawlRuns(
    @Ctx() { em }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('status', () => CrawlRunStatus, { nullable: true }) status: CrawlRunStatus | undefined,
    @Arg('kind', () => CrawlKind, { nullable: true }) kind: CrawlKind | undefined,
    @Info() info: GraphQLResolveInfo,
  ) {
    return listCrawlRuns(em, { status, kind }, { ...page, countTotal: selects(info, 'totalCount') });
  }

  @Authorized(Permission.MARKET_READ)
  @Query(() => CrawlRun)
  async crawlRun(@Ctx() { em }: Context, @Arg('id', () => ID) id: string) {
    const run = Number.isInteger(Number(id)) ? await getCrawlRun(em, Number(id)) : null;
    if (!run) throw new NotFoundError('crawl run', id);
    return run;
  }

  @Authorized(Permission.CRAWL_START)
  @Mutation(() => CrawlRun, { description: 'Starts a crawl (discovery, shops or listings) in your jurisdiction; follow it through crawlRuns' })
  startCrawl(@Ctx() { em, config, jobs }: Context, @Arg('input', () => StartCrawlInput) input: StartCrawlInput) {
    return startCrawl(
      em,
      {
        kind: input.kind,
        regionCode: input.regionCode,
        shopIds: input.shopIds?.map(Number),
        classifications: input.classifications,
        seeds: input.seeds,
        screenshots: input.screenshots,
        trigger: 'api',
      },
      crawlPolicy(config),
      (job, data) => jobs.enqueue(job, data),
    );
  }
}
