import { Field, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';

/** A crawl evidence capture as the API shows it (services/crawl/evidence-captures.ts). */
@ObjectType('EvidenceCapture', {
  description: 'What a crawler captured: a page as fetched or a screenshot of it; its bytes download from /files/<sha256> (market:read, your jurisdiction)',
})
export class EvidenceCaptureType {
  @Field(() => ID)
  id!: number;

  @Field(() => String, { description: 'response (a page as fetched) or screenshot' })
  kind!: string;

  @Field(() => String, { description: 'the page fetched, or the page the browser showed' })
  url!: string;

  @Field(() => GraphQLISODateTime)
  observedAt!: Date;

  @Field(() => String, { nullable: true, description: 'media type as the site sent it (a screenshot: image/png)' })
  contentType!: string | null;

  @Field(() => String, { description: 'SHA-256 of the bytes, hex' })
  sha256!: string;

  @Field(() => Int, { nullable: true, description: 'size of the bytes' })
  bytes!: number | null;

  @Field(() => String, { nullable: true, description: "the crawler's identity, e.g. HongdunSpider/0.1 shop run 12" })
  crawler!: string | null;
}
