import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { OnlineEntity, SelfFiling, SelfFilingShop, SelfFilingStatus, Shop, Unit } from '../entities';
import { PageArgs } from '../schema/connection';
import { SelfFilingBadgeType, SelfFilingConnection, SelfFilingFilterInput } from '../schema/filing.types';
import { Permission } from '../services/access/permissions';
import { chinaDay } from '../services/calendar/working-days';
import { acceptSelfFiling } from '../services/filing/accept-filing.command';
import { badgeKey, badgeToken } from '../services/filing/badge-token';
import { badgeLink, embedSnippet } from '../services/filing/badge-render';
import { getFiling, listFilings } from '../services/filing/filing.queries';
import { returnSelfFiling } from '../services/filing/return-filing.command';
import { revokeSelfFiling } from '../services/filing/revoke-filing.command';
import type { Context } from './context';
import { selects } from './selection';

/** Self-filings (主体备案) for staff: the register's review of what businesses filed of themselves. */
@Resolver(() => SelfFiling)
export class FilingResolver {
  @Authorized(Permission.REGISTRY_READ)
  @Query(() => SelfFilingConnection, { description: 'Self-filings (主体备案) in your jurisdiction (the entity’s region), newest first' })
  selfFilings(
    @Ctx() { em }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => SelfFilingFilterInput, { nullable: true }) filter: SelfFilingFilterInput | undefined,
    @Info() info: GraphQLResolveInfo,
  ) {
    return listFilings(em, filter ?? {}, { ...page, countTotal: selects(info, 'totalCount') }, chinaDay());
  }

  @Authorized(Permission.REGISTRY_READ)
  @Query(() => SelfFiling)
  selfFiling(@Ctx() { em }: Context, @Arg('id', () => ID) id: string): Promise<SelfFiling> {
    return getFiling(em, id);
  }

  @Authorized(Permission.REGISTRY_WRITE)
  @Mutation(() => SelfFiling, { description: 'Accepts a filing under review: badges issued, the shops filed in the register' })
  acceptSelfFiling(@Ctx() { em }: Context, @Arg('id', () => ID) id: string): Promise<SelfFiling> {
    return acceptSelfFiling(em, id);
  }

  @Authorized(Permission.REGISTRY_WRITE)
  @Mutation(() => SelfFiling, { description: 'Returns a filing (退回) with a reason the business reads' })
  returnSelfFiling(@Ctx() { em }: Context, @Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string): Promise<SelfFiling> {
    return returnSelfFiling(em, id, reason);
  }

  @Authorized(Permission.REGISTRY_WRITE)
  @Mutation(() => SelfFiling, { description: 'Revokes an accepted filing (撤销) with a reason: its badges stop verifying' })
  revokeSelfFiling(@Ctx() { em }: Context, @Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string): Promise<SelfFiling> {
    return revokeSelfFiling(em, id, reason);
  }

  @FieldResolver(() => [SelfFilingShop])
  shops(@Root() filing: SelfFiling, @Ctx() { em }: Context): Promise<SelfFilingShop[]> {
    return em.find(SelfFilingShop, { filing: filing.id }, { orderBy: { id: 'asc' } });
  }

  @FieldResolver(() => OnlineEntity, { nullable: true, description: 'the register entity of the USCC' })
  entity(@Root() filing: SelfFiling): Promise<OnlineEntity | null> {
    return filing.entity.load({ dataloader: true });
  }

  @FieldResolver(() => Unit, { nullable: true, description: 'the station (or unit) that reviews it' })
  reviewUnit(@Root() filing: SelfFiling): Promise<Unit | null> {
    return filing.reviewUnit ? (filing.reviewUnit.load({ dataloader: true }) as Promise<Unit>) : Promise.resolve(null);
  }

  @FieldResolver(() => Boolean, { description: 'under review past its due day' })
  reviewOverdue(@Root() filing: SelfFiling): boolean {
    return filing.status === SelfFilingStatus.UNDER_REVIEW && filing.reviewDueOn != null && filing.reviewDueOn < chinaDay();
  }
}

@Resolver(() => SelfFilingShop)
export class FilingShopResolver {
  @FieldResolver(() => Boolean)
  verified(@Root() shop: SelfFilingShop): boolean {
    return shop.verifiedAt != null;
  }

  @FieldResolver(() => Shop, { nullable: true, description: 'the register’s shop (linked on acceptance)' })
  shop(@Root() shop: SelfFilingShop, @Ctx() { loaders }: Context) {
    return shop.shop ? loaders.shopById.load(shop.shop.id) : null;
  }

  @FieldResolver(() => SelfFilingBadgeType, { nullable: true, description: 'the badge, once the filing is accepted (also while revoked: it then verifies as revoked)' })
  async badge(@Root() shop: SelfFilingShop, @Ctx() { em, config }: Context): Promise<SelfFilingBadgeType | null> {
    if (!shop.badgeId) return null;
    const token = badgeToken(await badgeKey(em, config), shop.badgeId, shop.url);
    const base = config.publicBaseUrl ?? `http://${config.host}:${config.port}`;
    const link = badgeLink(base, token);
    return { token, verifyUrl: link, imageUrl: `${link}.svg`, qrPngUrl: `${link}/qr.png`, embedHtml: embedSnippet(base, token) };
  }
}

/** Every resolver of this domain. */
export const FILING_RESOLVERS = [FilingResolver, FilingShopResolver] as const;
