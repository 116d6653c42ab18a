import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Finding, Listing, Shop } from '../entities';
import { PageArgs } from '../schema/connection';
import { GraphQLJSONObject } from 'graphql-scalars';
import { EvidenceCaptureType } from '../schema/evidence.types';
import { FindingConnection, FindingFilterInput, RuleLexiconType, RuleType, SetRuleEnabledInput } from '../schema/findings.types';
import { Permission } from '../services/access/permissions';
import { listFindings, listRules, setRuleEnabled } from '../services/findings/findings';
import { currentLexicon, updateLexicon } from '../services/findings/lexicon';
import type { Context } from './context';
import { selects } from './selection';

@Resolver(() => Finding)
export class FindingResolver {
  @Authorized(Permission.MARKET_READ)
  @Query(() => FindingConnection, { description: 'Findings of the rule checks in your jurisdiction, newest first' })
  findings(
    @Ctx() { em }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => FindingFilterInput, { nullable: true }) filter: FindingFilterInput | undefined,
    @Info() info: GraphQLResolveInfo,
  ) {
    return listFindings(em, filter ?? {}, { ...page, countTotal: selects(info, 'totalCount') });
  }

  @Authorized(Permission.MARKET_READ)
  @Query(() => [RuleType], { description: 'The rule checks, their legal basis, and whether each is on for a region (default: your jurisdiction)' })
  rules(@Ctx() { em }: Context, @Arg('regionCode', () => String, { nullable: true }) regionCode: string | undefined) {
    return listRules(em, regionCode);
  }

  @Authorized(Permission.RULES_MANAGE)
  @Mutation(() => RuleType, { description: 'Switches a rule check on or off for a region in your jurisdiction (and everything under it)' })
  setRuleEnabled(@Ctx() { em }: Context, @Arg('input', () => SetRuleEnabledInput) input: SetRuleEnabledInput) {
    return setRuleEnabled(em, input);
  }

  @Authorized(Permission.MARKET_READ)
  @Query(() => RuleLexiconType, { description: 'The lexicon in force for the rule checks' })
  ruleLexicon(@Ctx() { em }: Context) {
    return currentLexicon(em);
  }

  @Authorized(Permission.RULES_MANAGE)
  @Mutation(() => RuleLexiconType, { description: 'Puts a new version of the rule lexicon in force (province administrators; checked field by field)' })
  updateRuleLexicon(
    @Ctx() { em }: Context,
    @Arg('lexicon', () => GraphQLJSONObject) lexicon: Record<string, unknown>,
    @Arg('note', () => String, { nullable: true }) note: string | undefined,
  ) {
    return updateLexicon(em, lexicon, note);
  }

  @FieldResolver(() => Shop, { nullable: true })
  shop(@Root() finding: Finding, @Ctx() { loaders }: Context) {
    return loaders.shopById.load(finding.shop.id);
  }

  @FieldResolver(() => Listing, { nullable: true })
  listing(@Root() finding: Finding, @Ctx() { loaders }: Context) {
    return finding.listing ? loaders.listingById.load(finding.listing.id) : null;
  }

  @Authorized(Permission.MARKET_READ)
  @FieldResolver(() => [EvidenceCaptureType], { description: 'The captures its evidence names, oldest first, in your jurisdiction; download each from /files/<sha256>' })
  captures(@Root() finding: Finding, @Ctx() { loaders }: Context) {
    return finding.evidence.length > 0 ? loaders.findingCaptures.load(finding) : [];
  }
}
