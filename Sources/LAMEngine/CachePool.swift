import LAMModels

/// A KV cache together with the tokens whose keys and values it holds (positions `0..<tokens.count`).
final class CacheSlot {
    let cache: KVCache
    var tokens: [Int] = []
    /// When it was last given back (for choosing which idle slot to overwrite).
    var lastUsed: UInt64 = 0

    init(cache: KVCache) { self.cache = cache }

    /// Forgets everything after the first `count` tokens.
    func truncate(to count: Int) {
        cache.truncate(to: count)
        tokens.removeSubrange(min(count, tokens.count)...)
    }
}

/// The KV caches of the engine: up to `limit` of them, each either in use by one running sequence or idle,
/// keeping the tokens of the sequence that last used it. A new request takes the idle cache whose tokens share
/// the longest prefix with its prompt (agents resend the whole conversation each turn, so the previous turn's
/// cache usually holds most of it) and only evaluates the rest.
///
/// Touched only on the scheduler's queue.
final class CachePool: @unchecked Sendable {
    let limit: Int
    private let makeCache: () -> KVCache
    private var idle: [CacheSlot] = []
    private(set) var created = 0
    private var clock: UInt64 = 0
    /// The slot given back last (what `Engine.cachedTokens()` reports).
    private(set) var lastReturned: CacheSlot?

    init(limit: Int, makeCache: @escaping () -> KVCache) {
        precondition(limit > 0)
        self.limit = limit
        self.makeCache = makeCache
    }

    /// A cache for `prompt`, and how many of its first tokens the cache already holds (at most all but the last:
    /// the last prompt token is always evaluated, for the logits of the next). Nil when every cache is in use.
    ///
    /// Preference: the idle cache sharing the longest prefix when the prompt continues most of its sequence (a
    /// conversation's next turn: re-rendering the last reply may change its final tokens); else a fresh cache
    /// while there is room (so idle caches keep their conversations); else the idle cache sharing the longest
    /// prefix (least recently used among equals).
    func checkout(for prompt: [Int], reusingPrefix: Bool) -> (slot: CacheSlot, reused: Int)? {
        let shared = idle.map { slot in reusingPrefix ? zip(slot.tokens, prompt).prefix { $0 == $1 }.count : 0 }
        let longest = idle.indices.max { (shared[$0], idle[$1].lastUsed) < (shared[$1], idle[$0].lastUsed) }
        let pick: Int?
        if let longest, shared[longest] > 0, 2 * shared[longest] >= idle[longest].tokens.count {
            pick = longest
        } else if created < limit {
            created += 1
            return (CacheSlot(cache: makeCache()), 0)
        } else {
            pick = longest
        }
        guard let pick else { return nil }
        let reused = min(shared[pick], prompt.count - 1)
        let slot = idle.remove(at: pick)
        slot.truncate(to: reused)
        return (slot, reused)
    }

    func giveBack(_ slot: CacheSlot) {
        clock += 1
        slot.lastUsed = clock
        idle.append(slot)
        lastReturned = slot
    }

    /// Positions held by idle caches.
    var idleTokens: Int { idle.reduce(0) { $0 + $1.cache.count } }
}
