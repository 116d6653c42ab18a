import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Notice, NoticeRead, NoticeReply, Unit } from '../entities';
import { StoredFileType } from '../schema/complaints.types';
import { PageArgs } from '../schema/connection';
import {
  NoticeConnection,
  NoticeInboxFilterInput,
  NoticeReadRatesType,
  NoticeRecipientStatusType,
  NoticesSentFilterInput,
  ReplyToNoticeInput,
  SendMessageInput,
  SendNoticeInput,
} from '../schema/office-reports.types';
import { Permission } from '../services/access/permissions';
import { getNotice, markNoticeRead, noticeInbox, noticesSent, replyToNotice, sendMessage, sendNotice } from '../services/office/notices';
import type { Context } from './context';
import { selects } from './selection';

const files = (config: Context['config']) => ({ evidenceDir: config.evidenceDir, maxBytes: config.caseFileMaxBytes });

/** Notices (通知) down the tree, messages (邮件) along it, read receipts and replies. */
@Resolver(() => Notice)
export class NoticeResolver {
  @Authorized(Permission.OFFICE_READ)
  @Query(() => NoticeConnection, { description: 'Notices and messages addressed to your own unit, newest first' })
  noticeInbox(
    @Ctx() { em }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => NoticeInboxFilterInput, { nullable: true }) filter: NoticeInboxFilterInput | undefined,
    @Info() info: GraphQLResolveInfo,
  ) {
    return noticeInbox(em, filter ?? {}, { ...page, countTotal: selects(info, 'totalCount') });
  }

  @Authorized(Permission.OFFICE_READ)
  @Query(() => NoticeConnection, { description: 'Notices and messages sent by your unit or the units below it, newest first' })
  noticesSent(
    @Ctx() { em }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => NoticesSentFilterInput, { nullable: true }) filter: NoticesSentFilterInput | undefined,
    @Info() info: GraphQLResolveInfo,
  ) {
    return noticesSent(em, filter?.kind, { ...page, countTotal: selects(info, 'totalCount') });
  }

  @Authorized(Permission.OFFICE_READ)
  @Query(() => Notice, { description: 'A notice you sent (or a unit below yours sent), or one addressed to your unit' })
  notice(@Ctx() { em }: Context, @Arg('id', () => ID) id: string): Promise<Notice> {
    return getNotice(em, id);
  }

  @Authorized(Permission.OFFICE_REVIEW)
  @Mutation(() => Notice, { description: 'Sends a notice (通知) to chosen units below yours and/or whole subtrees below yours' })
  sendNotice(@Ctx() { em, config }: Context, @Arg('input', () => SendNoticeInput) input: SendNoticeInput): Promise<Notice> {
    return sendNotice(em, input, files(config));
  }

  @Authorized(Permission.OFFICE_WORK)
  @Mutation(() => Notice, { description: 'Writes a message (邮件) to your unit\'s parent or one of its child units' })
  sendMessage(@Ctx() { em, config }: Context, @Arg('input', () => SendMessageInput) input: SendMessageInput): Promise<Notice> {
    return sendMessage(em, input, files(config));
  }

  // OFFICE_READ, not OFFICE_WORK: recording that one has read a notice is part of reading it, and every
  // member of staff reads notices (it writes only the reader's own receipt, refused for API keys).
  @Authorized(Permission.OFFICE_READ)
  @Mutation(() => Notice, { description: 'Records that you read a notice addressed to your unit (one receipt per user)' })
  markNoticeRead(@Ctx() { em }: Context, @Arg('id', () => ID) id: string): Promise<Notice> {
    return markNoticeRead(em, id);
  }

  @Authorized(Permission.OFFICE_WORK)
  @Mutation(() => NoticeReply, { description: 'Replies to a notice or message addressed to your unit (with attachments)' })
  replyToNotice(@Ctx() { em, config }: Context, @Arg('input', () => ReplyToNoticeInput) input: ReplyToNoticeInput): Promise<NoticeReply> {
    return replyToNotice(em, input.noticeId, input.body, input.attachments, files(config));
  }

  @FieldResolver(() => Unit)
  senderUnit(@Root() notice: Notice, @Ctx() { em }: Context): Promise<Unit | null> {
    return em.findOne(Unit, { id: notice.senderUnit.id });
  }

  @FieldResolver(() => [StoredFileType], { description: 'GET /files/<sha256>' })
  attachments(@Root() notice: Notice): StoredFileType[] {
    return notice.attachments;
  }

  @FieldResolver(() => Boolean, { nullable: true, description: 'read by you; null when your unit is not a recipient' })
  async read(@Root() notice: Notice, @Ctx() { loaders }: Context): Promise<boolean | null> {
    const state = await loaders.noticeCallerState.load(notice.id);
    return state.recipient ? state.read : null;
  }

  @FieldResolver(() => Boolean, { nullable: true, description: 'read by someone of your unit; null when your unit is not a recipient' })
  async unitRead(@Root() notice: Notice, @Ctx() { loaders }: Context): Promise<boolean | null> {
    const state = await loaders.noticeCallerState.load(notice.id);
    return state.recipient ? state.unitRead : null;
  }

  @FieldResolver(() => Boolean, { nullable: true, description: 'your unit replied; null when your unit is not a recipient' })
  async replied(@Root() notice: Notice, @Ctx() { loaders }: Context): Promise<boolean | null> {
    const state = await loaders.noticeCallerState.load(notice.id);
    return state.recipient ? state.replied : null;
  }

  @FieldResolver(() => [NoticeRecipientStatusType], { nullable: true, description: 'sender side only (your unit or a unit above the sender): every recipient unit with who read it when and its replies; null otherwise' })
  async recipients(@Root() notice: Notice, @Ctx() { loaders }: Context): Promise<NoticeRecipientStatusType[] | null> {
    return (await loaders.noticeSenderView.load(notice.id))?.recipients ?? null;
  }

  @FieldResolver(() => NoticeReadRatesType, { nullable: true, description: 'sender side only: recipient units, how many read and replied, overdue replies' })
  async readRates(@Root() notice: Notice, @Ctx() { loaders }: Context): Promise<NoticeReadRatesType | null> {
    const view = await loaders.noticeSenderView.load(notice.id);
    return view ? { recipients: view.recipientCount, read: view.readCount, replied: view.repliedCount, overdueReplies: view.overdueReplies } : null;
  }

  @FieldResolver(() => [NoticeReply], { description: 'your own unit\'s replies to it, oldest first' })
  ownReplies(@Root() notice: Notice, @Ctx() { em, actor }: Context): Promise<NoticeReply[]> {
    if (actor?.unitId == null) return Promise.resolve([]);
    return em.find(NoticeReply, { notice: notice.id, unit: actor.unitId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }
}

@Resolver(() => NoticeReply)
export class NoticeReplyResolver {
  @FieldResolver(() => Unit)
  unit(@Root() reply: NoticeReply, @Ctx() { em }: Context): Promise<Unit | null> {
    return em.findOne(Unit, { id: reply.unit.id });
  }

  @FieldResolver(() => [StoredFileType], { description: 'GET /files/<sha256>' })
  attachments(@Root() reply: NoticeReply): StoredFileType[] {
    return reply.attachments;
  }
}

@Resolver(() => NoticeRead)
export class NoticeReadResolver {
  @FieldResolver(() => Unit)
  unit(@Root() read: NoticeRead, @Ctx() { em }: Context): Promise<Unit | null> {
    return em.findOne(Unit, { id: read.unit.id });
  }
}

export const NOTICE_RESOLVERS = [NoticeResolver, NoticeReplyResolver, NoticeReadResolver] as const;
