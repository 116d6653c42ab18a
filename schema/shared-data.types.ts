import { Length } from 'class-validator';
import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PenaltyCategory, RegistrationChangeKind } from '../entities';
import { ImportReportType } from './registry.types';

/** Shared data from other bodies (issue 16): registration changes and administrative penalties, their imports. */

registerEnumType(RegistrationChangeKind, {
  name: 'RegistrationChangeKind',
  description: 'A registration fact: 设立/成立 (established), 变更 (changed), 注销 (deregistered), 吊销 (revoked)',
});

registerEnumType(PenaltyCategory, {
  name: 'PenaltyCategory',
  description: 'A kind of administrative penalty (行政处罚法 第九条: 警告, 通报批评, 罚款, 没收违法所得, 没收非法财物, 暂扣许可证件, 降低资质等级, 吊销许可证件, 限制开展生产经营活动, 责令停产停业, 责令关闭, 限制从业, 行政拘留, 其他)',
});

/** A shared-data file to import, sent inline (base64). */
@InputType('ImportFileInput')
export class ImportFileInput {
  @Field(() => String, { description: 'original file name, e.g. 注销吊销.xlsx' })
  @Length(1, 255)
  fileName!: string;

  @Field(() => String, { description: 'file content, base64 (XLSX or CSV in UTF-8 or GB18030)' })
  contentBase64!: string;

  @Field(() => Boolean, { defaultValue: false, description: 'true: any row error rejects the whole file' })
  strict: boolean = false;
}

/** Outcome of a shared-data import: the register import's report, what the file held and the businesses it changed. */
@ObjectType('SharedDataImportReport')
export class SharedDataImportReportType extends ImportReportType {
  @Field(() => String, { description: 'what the file held: registration_changes or penalties' })
  kind!: string;

  @Field(() => Int, { description: 'register businesses whose registration status, name, address, legal representative or business scope the file changed' })
  entitiesUpdated!: number;
}
