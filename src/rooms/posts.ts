import { LRUCache } from "lru-cache";
import type { OutsidePost, PostStatus } from "./types.js";

export interface PostRecord {
  post: OutsidePost;
  status: PostStatus;
  timestamp: string;
  discord_message_id?: string;
}

/** Recent outside posts and their status; an auto-mode post's request waits here for its delivery. */
export class PostBook {
  readonly #posts = new LRUCache<string, PostRecord>({ max: 2000 });
  readonly #byDiscordId = new LRUCache<string, string>({ max: 2000 });
  readonly #waiting = new Map<string, (status: PostStatus) => void>();

  add(record: PostRecord): void {
    this.#posts.set(record.post.post_id, record);
  }

  get(postId: string): PostRecord | undefined {
    return this.#posts.get(postId);
  }

  /** The post a Discord message delivered, if it was one. */
  byDiscordId(messageId: string): PostRecord | undefined {
    const postId = this.#byDiscordId.get(messageId);
    return postId ? this.#posts.get(postId) : undefined;
  }

  /**
   * Hands a new post to the Discord side (`emit`); an auto-mode post is answered once it settles
   * (or "pending" after `settleTimeoutMs`), an ask-mode post at once ("pending").
   */
  async submit(post: OutsidePost, timestamp: string, emit: () => void, settleTimeoutMs: number): Promise<PostStatus> {
    this.add({ post, status: "pending", timestamp });
    const settled = post.mode === "auto" ? this.waitSettled(post.post_id, settleTimeoutMs) : undefined;
    try {
      emit();
    } catch (err) {
      this.settle(post.post_id, "rejected");
      throw err;
    }
    return settled ? await settled : (this.get(post.post_id)?.status ?? "pending");
  }

  /** Resolves with the settled status, or "pending" after `timeoutMs`. */
  waitSettled(postId: string, timeoutMs: number): Promise<PostStatus> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(postId);
        resolve("pending");
      }, timeoutMs);
      timer.unref();
      this.#waiting.set(postId, (status) => {
        clearTimeout(timer);
        this.#waiting.delete(postId);
        resolve(status);
      });
    });
  }

  /**
   * Records the outcome; undefined for an unknown or already settled post. `notify`: the agent was
   * answered before the post settled (ask mode, or a slow delivery), so it is told now.
   */
  settle(postId: string, status: PostStatus, discordMessageId?: string): { record: PostRecord; notify: boolean } | undefined {
    const record = this.#posts.get(postId);
    if (!record || record.status !== "pending" || status === "pending") return undefined;
    record.status = status;
    if (discordMessageId) {
      record.discord_message_id = discordMessageId;
      this.#byDiscordId.set(discordMessageId, postId);
    }
    const waiter = this.#waiting.get(postId);
    waiter?.(status);
    return { record, notify: waiter === undefined };
  }
}
