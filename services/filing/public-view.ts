/**
 * The allow-list of what the business reads of its own filing on the public page (with its filing key):
 * number, status, deadline, reason returned, its shops with their tokens and verification outcome, and
 * once accepted each shop's badge (link, image, QR code, embed snippet). Never the contact data.
 */
import type { SelfFiling, SelfFilingShop } from '../../entities';
import { badgeToken } from './badge-token';
import { badgeLink, embedSnippet } from './badge-render';

export interface PublicFilingView {
  number: string;
  status: string;
  submittedAt: string;
  reviewDueOn: string | null;
  returnReason: string | null;
  shops: Array<{
    url: string;
    platform: string;
    verificationToken: string;
    verified: boolean;
    lastCheckResult: string | null;
    badge: { token: string; verifyUrl: string; imageUrl: string; qrPngUrl: string; qrSvgUrl: string; embedHtml: string } | null;
  }>;
}

/** The business's view of its filing (`key`: the badge key, for the badge links). */
export function publicFilingView(filing: SelfFiling, shops: SelfFilingShop[], key: Buffer, baseUrl: string): PublicFilingView {
  return {
    number: filing.number,
    status: filing.status,
    submittedAt: filing.submittedAt.toISOString(),
    reviewDueOn: filing.reviewDueOn,
    returnReason: filing.returnReason,
    shops: shops.map((s) => {
      const token = s.badgeId && filing.status === 'accepted' ? badgeToken(key, s.badgeId, s.url) : null;
      const link = token ? badgeLink(baseUrl, token) : null;
      return {
        url: s.url,
        platform: s.platform,
        verificationToken: s.verificationToken,
        verified: s.verifiedAt != null,
        lastCheckResult: s.lastCheckResult,
        badge: token && link ? { token, verifyUrl: link, imageUrl: `${link}.svg`, qrPngUrl: `${link}/qr.png`, qrSvgUrl: `${link}/qr.svg`, embedHtml: embedSnippet(baseUrl, token) } : null,
      };
    }),
  };
}
