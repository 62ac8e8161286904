/**
 * The social port (issue 9): sharing settings, friendships and the leaderboard read. Optional
 * on `Ports`: a platform without it answers the social routes with 501. Cloudflare implements
 * it on D1 (worker/src/stores/social*.ts), AWS on DynamoDB (sam/src/dynamo/social*.ts). Boards
 * read stored standings (board-standing.ts) a page at a time, never every member's days.
 */
import type { SharingSettings, User } from "../ports.ts";
import type { Goal } from "./goals.ts";
import type { LeaderboardRange } from "./leaderboard.ts";

export interface SocialUser {
  id: string;
  username: string;
  displayName: string | null;
}

export interface FriendLink {
  user: SocialUser;
  /** ISO timestamp: when the request was made, or accepted for friends. */
  at: string;
}

export interface FriendLists {
  friends: FriendLink[];
  incoming: FriendLink[];
  outgoing: FriendLink[];
}

export type FriendState = "none" | "friends" | "outgoing" | "incoming";

/**
 * At most this many accepted friends per user: a friends board, the fan-out of a sharing change
 * to friends' board versions and a friends list are each bounded by it. Enforced where a
 * friendship is made (routes/friends.ts); two accepts racing may pass it by one.
 */
export const MAX_FRIENDS = 1000;

/** Which board: a range, all coding time or one language, everyone who opted in or exactly `userIds`. */
export interface BoardQuery {
  range: LeaderboardRange;
  /** Rank by this language's time instead of all coding time. */
  language: string | null;
  /** Only these users (friends boards); otherwise every user who opted into leaderboards. */
  userIds?: string[];
}

/** One user's place on a board, as stored (core/src/social/board-standing.ts). */
export interface LeaderboardRow {
  user: SocialUser;
  /** Sum over the range's days of min(day's seconds, cap). */
  cappedSeconds: number;
  /** True when some day exceeded the cap. */
  flagged: boolean;
  sharesLanguages: boolean;
  /** Days the range covers in the user's own zone (the daily average's divisor). */
  days: number;
}

export interface SocialStore {
  /** The user's sharing settings; the private defaults when never set. */
  sharingOf(userId: string): Promise<SharingSettings>;
  /** Applies a partial change and returns the result. */
  updateSharing(userId: string, change: Partial<SharingSettings>): Promise<SharingSettings>;
  /** Any user by username (friend requests), private or not. */
  findUser(username: string): Promise<User | null>;
  /** Outgoing requests include those kept by name (`user.id` empty), so they look like any other. */
  friendLists(userId: string): Promise<FriendLists>;
  friendState(userId: string, otherId: string): Promise<FriendState>;
  /**
   * A friend request from `fromId` to whoever has `username`: accepts their pending request to
   * `fromId` if there is one, else stores a pending request unless any link exists; nothing for
   * an unknown username or oneself. Does the same work in every case (no timing tells them apart).
   */
  requestFriendByName(fromId: string, username: string): Promise<void>;
  /**
   * Declines the pending request from -> to; the sender still sees a pending request to the
   * name (as for a name that names nobody). False when there was none.
   */
  declineFriend(fromId: string, toId: string): Promise<boolean>;
  /** Cancels a request the user made to a name that names nobody (or that was declined); false if none. */
  cancelRequestByName(fromId: string, username: string): Promise<boolean>;
  /** How many accepted friends the user has (pending requests not counted). */
  friendCount(userId: string): Promise<number>;
  /** Accepts a pending request from `fromId` to `toId`; false when there is none. */
  acceptFriend(fromId: string, toId: string): Promise<boolean>;
  /** Removes any link between the two users (friendship or request either way); false if none. */
  removeFriendLink(a: string, b: string): Promise<boolean>;
  /**
   * The version of the global board's membership: changes whenever a user joins or leaves it
   * (opting in or out, account deleted) or a member's cache generation changes (their
   * profile or sharing changed). Cached rankings are keyed on it.
   */
  leaderboardVersion(): Promise<string>;
  /**
   * One page of a board: capped seconds descending, then username ascending; users without
   * time are not listed. Privacy in the query: the global board lists only users who opted
   * into leaderboards, a language board only users who share languages, a board of `userIds`
   * only those users. `total` counts the whole board.
   */
  leaderboardPage(query: BoardQuery & { offset: number; limit: number }): Promise<{ total: number; rows: LeaderboardRow[] }>;
  /**
   * The generation of the user's friends board: one key read. It changes the moment the board's
   * members or what it shows of them other than their figures changes: a friendship of the user
   * made or ended, a member (the user or a friend) changing their sharing settings, renamed, or
   * deleted. New figures do not move it (pages refresh within the cache TTL, as on the global
   * board). Optional: a store without it has its friends boards read fresh.
   */
  friendsBoardVersion?(userId: string): Promise<string>;
  /** The user's 1-based rank and row on the board, or null when they are not listed on it. */
  leaderboardEntry(query: BoardQuery, userId: string): Promise<{ rank: number; row: LeaderboardRow } | null>;
  /** The user's goals, oldest first. */
  listGoals(userId: string): Promise<Goal[]>;
  /** Stores a goal unless the user already has `max`; returns it, or null when at the limit. */
  addGoal(userId: string, goal: Omit<Goal, "id" | "createdAt">, max: number): Promise<Goal | null>;
  /** Deletes the user's goal; false when they have none with this id. */
  deleteGoal(userId: string, goalId: string): Promise<boolean>;
  /** Per-user language seconds over the range, for the users listed on one page who share languages. */
  boardLanguages(userIds: string[], range: LeaderboardRange): Promise<Map<string, Record<string, number>>>;
}
