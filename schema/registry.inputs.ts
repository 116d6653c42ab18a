import { IsOptional, IsUrl, Length, Matches, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { FilingStatus, MaintenanceStatus, RegistrationStatus, ShopClassification } from '../entities';
import { EntitySortField, MaintenanceAction, ShopSortField, SortDirection } from './enums';

/** Filter of the shop list. All conditions combine with AND, always inside the caller's jurisdiction. */
@InputType('ShopFilter')
export class ShopFilter {
  @Field(() => String, { nullable: true, description: 'region code; the whole subtree matches (3701 = all of 济南市)' })
  @IsOptional()
  @Matches(/^\d{2,12}$/, { message: 'regionCode must be a division code of digits' })
  regionCode?: string;

  @Field(() => ID, { nullable: true, description: 'responsible unit; its whole subtree matches' })
  unitId?: string;

  @Field(() => [ShopClassification], { nullable: true })
  classification?: ShopClassification[];

  @Field(() => [FilingStatus], { nullable: true })
  filingStatus?: FilingStatus[];

  @Field(() => [MaintenanceStatus], { nullable: true })
  maintenanceStatus?: MaintenanceStatus[];

  @Field(() => String, { nullable: true, description: 'platform name, e.g. 淘宝' })
  platform?: string;

  @Field(() => ID, { nullable: true })
  entityId?: string;

  @Field(() => Boolean, { nullable: true, description: 'true: linked to a registered entity; false: not yet linked' })
  linked?: boolean;

  @Field(() => String, { nullable: true, description: 'text in the shop name, domain or URL, or the linked entity\'s USCC' })
  @IsOptional()
  @MaxLength(100)
  search?: string;
}

@InputType('ShopOrder')
export class ShopOrder {
  @Field(() => ShopSortField)
  field!: ShopSortField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC })
  direction: SortDirection = SortDirection.ASC;
}

/** Filter of the entity list, always inside the caller's jurisdiction. */
@InputType('EntityFilter')
export class EntityFilter {
  @Field(() => String, { nullable: true, description: 'region code; the whole subtree matches' })
  @IsOptional()
  @Matches(/^\d{2,12}$/, { message: 'regionCode must be a division code of digits' })
  regionCode?: string;

  @Field(() => ID, { nullable: true, description: 'a unit: businesses in the regions of its jurisdiction' })
  unitId?: string;

  @Field(() => [RegistrationStatus], { nullable: true })
  registrationStatus?: RegistrationStatus[];

  @Field(() => String, { nullable: true, description: 'text in the name, or a (partial) USCC' })
  @IsOptional()
  @MaxLength(100)
  search?: string;
}

@InputType('EntityOrder')
export class EntityOrder {
  @Field(() => EntitySortField)
  field!: EntitySortField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC })
  direction: SortDirection = SortDirection.ASC;
}

/** A business to add to the register. */
@InputType('CreateEntityInput')
export class CreateEntityInput {
  @Field(() => String)
  @Length(18, 18, { message: 'uscc must be 18 characters' })
  uscc!: string;

  @Field(() => String)
  @Length(1, 200)
  name!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(100)
  legalRepresentative?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(300)
  address?: string;

  @Field(() => String)
  regionCode!: string;

  @Field(() => RegistrationStatus, { nullable: true })
  registrationStatus?: RegistrationStatus;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(5000)
  businessScope?: string;
}

/** Changes to a registered business; omitted fields stay as they are. */
@InputType('UpdateEntityInput')
export class UpdateEntityInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  name?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(100)
  legalRepresentative?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(300)
  address?: string;

  @Field(() => String, { nullable: true })
  regionCode?: string;

  @Field(() => RegistrationStatus, { nullable: true })
  registrationStatus?: RegistrationStatus;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(5000)
  businessScope?: string;
}

/** A shop to add to the register by hand (discovery adds them automatically). */
@InputType('CreateShopInput')
export class CreateShopInput {
  @Field(() => String)
  @Length(1, 200)
  name!: string;

  @Field(() => String)
  @Length(1, 100)
  platform!: string;

  @Field(() => String)
  @IsUrl({ require_protocol: true, protocols: ['http', 'https'], require_tld: false }, { message: 'url must be an http(s) URL' })
  @MaxLength(1000)
  url!: string;

  @Field(() => ShopClassification)
  classification!: ShopClassification;

  @Field(() => String)
  regionCode!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(64)
  icpNumber?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(64)
  platformShopId?: string;

  @Field(() => ID, { nullable: true, description: 'the registered entity behind the shop, if known' })
  entityId?: string;
}

/** Filing (建档): links the shop to its registered entity and records it as filed. */
@InputType('FileShopInput')
export class FileShopInput {
  @Field(() => ID)
  shopId!: string;

  @Field(() => ID, { nullable: true, description: 'the registered entity; or give its uscc' })
  entityId?: string;

  @Field(() => String, { nullable: true })
  uscc?: string;

  @Field(() => ShopClassification, { nullable: true })
  classification?: ShopClassification;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(64)
  icpNumber?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  note?: string;
}

/** Maintenance (比对维护) of a filed shop. */
@InputType('MaintainShopInput')
export class MaintainShopInput {
  @Field(() => ID)
  shopId!: string;

  @Field(() => MaintenanceAction)
  action!: MaintenanceAction;

  @Field(() => String, { description: 'what was checked and found' })
  @Length(1, 2000)
  note!: string;
}

/** A register file to import, sent inline (base64). */
@InputType('ImportEntitiesInput')
export class ImportEntitiesInput {
  @Field(() => String, { description: 'original file name, e.g. 经济户口.xlsx' })
  @Length(1, 255)
  fileName!: string;

  @Field(() => String, { description: 'file content, base64 (XLSX or CSV in UTF-8 or GB18030)' })
  contentBase64!: string;

  @Field(() => Boolean, { defaultValue: false, description: 'true: any row error rejects the whole file' })
  strict: boolean = false;
}

/** An API key for another bureau system. */
@InputType('CreateApiKeyInput')
export class CreateApiKeyInput {
  @Field(() => String)
  @Length(1, 100)
  name!: string;

  @Field(() => ID, { description: 'the unit the key acts for (within the caller\'s jurisdiction)' })
  unitId!: string;

  @Field(() => [String], { description: 'permissions, e.g. registry:read' })
  scopes!: string[];
}
