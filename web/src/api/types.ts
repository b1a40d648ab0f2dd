// Names for the api's schemas, taken from the generated OpenAPI types (schema.d.ts), so a
// change in the api shows up here as a type error after `npm run gen:api`.
import type { components } from './schema';

type S = components['schemas'];

export type Post = S['Post'];
export type PostPage = S['PostPage'];
export type UserPublic = S['UserPublic'];
export type UserFull = S['UserFull'];
export type Profile = S['Profile'];
export type MeResponse = S['MeResponse'];
export type OAuthTokens = S['OAuthTokens'];
export type RegisterResponse = S['RegisterResponse'];
export type VerifiedResponse = S['VerifiedResponse'];
export type Comment = S['Comment'];
export type CommentPage = S['CommentPage'];
export type WidgetData = S['WidgetData'];
export type ReactionSummary = S['ReactionSummary'];
export type Notification = S['Notification'];
export type NotificationPage = S['NotificationPage'];
export type UploadResponse = S['UploadResponse'];
export type SearchItem = S['SearchItem'];
export type SearchPage = S['SearchPage'];
export type HashtagCount = S['HashtagCount'];
export type HashtagPage = S['HashtagPage'];
export type FollowState = S['FollowState'];
export type BlockedUser = S['BlockedUser'];
export type BlockPage = S['BlockPage'];
export type Report = S['Report'];
export type ReportPage = S['ReportPage'];
export type AuditEntry = S['AuditEntry'];
export type AuditPage = S['AuditPage'];
export type ReactedPost = S['ReactedPost'];
export type ReactedPostsPage = S['ReactedPostsPage'];
export type UpdatePostBody = S['UpdatePostBody'];
export type UpdateUserBody = S['UpdateUserBody'];
export type UnreadCount = S['UnreadCount'];

/** The five reactions the site offers, in display order. */
export const EMOJI = ['👍', '❤️', '🔥', '😊', '💎'] as const;

/** Hashtags hidden unless the viewer opts in (http-api.md §1.6). */
export const MONITORED_HASHTAGS = ['politics', 'nsfw', 'explicit', '13plus', 'violence'] as const;
