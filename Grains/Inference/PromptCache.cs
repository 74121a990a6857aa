using LLama;
using LLama.Native;

namespace Verge.Orleans.Grains.Inference;

/// <summary>
/// Sequence states (KV) of slots that were taken by other requests, in host RAM, bounded in bytes: a
/// conversation pushed out of its slot comes back without evaluating its prefix again. Least recently
/// used out, conversation entries (sessions, response chains) after all others. Decode thread only.
/// </summary>
internal sealed class PromptCache(long capacityBytes) : IDisposable
{
    private readonly LinkedList<PromptCacheEntry> _entries = new(); // most recently used first

    public long Capacity => capacityBytes;

    public long Bytes { get; private set; }

    public int Count => _entries.Count;

    public long Evictions { get; private set; }

    /// <summary>The entry sharing the longest prefix with <paramref name="prompt"/>, and that length.</summary>
    public (PromptCacheEntry? Entry, int Common) Match(LLamaToken[] prompt)
    {
        var (best, common) = ((PromptCacheEntry?)null, 0);
        foreach (var entry in _entries)
        {
            var shared = SlotCache.CommonPrefix(entry.Tokens, prompt);
            if (shared > common)
            {
                (best, common) = (entry, shared);
            }
        }

        return (best, common);
    }

    /// <summary>
    /// Keeps a sequence's state; entries it extends go (they hold nothing it lacks). Null when it alone exceeds the
    /// bound. A <paramref name="spare"/> copy (of a slot that still holds the same KV) is kept only where it evicts
    /// nothing, and is the first to go: it must not push out what exists nowhere else.
    /// </summary>
    public PromptCacheEntry? Add(IReadOnlyList<LLamaToken> tokens, LLamaContext.SequenceState state, bool conversation, bool spare = false)
    {
        if ((long)state.Size > (spare ? capacityBytes - Bytes : capacityBytes))
        {
            state.Dispose();
            return null;
        }

        for (var node = _entries.First; node is not null;)
        {
            var next = node.Next;
            if (node.Value.Tokens.Count <= tokens.Count && SlotCache.CommonPrefix(node.Value.Tokens, tokens) == node.Value.Tokens.Count)
            {
                conversation |= node.Value.Conversation;
                Drop(node);
            }

            node = next;
        }

        var entry = new PromptCacheEntry([.. tokens], state, conversation);
        if (spare)
        {
            _entries.AddLast(entry);
        }
        else
        {
            _entries.AddFirst(entry);
        }

        Bytes += entry.Bytes;
        while (Bytes > capacityBytes)
        {
            Drop(Victim());
            Evictions++;
        }

        return _entries.Contains(entry) ? entry : null;
    }

    /// <summary>The entry was used: it is evicted last.</summary>
    public void Touch(PromptCacheEntry entry)
    {
        if (_entries.Find(entry) is { } node && node != _entries.First)
        {
            _entries.Remove(node);
            _entries.AddFirst(node);
        }
    }

    public bool Contains(PromptCacheEntry entry) => _entries.Contains(entry);

    /// <summary>Drops an entry that is no longer needed here (a slot holds its tokens again); not an eviction.</summary>
    public void Remove(PromptCacheEntry entry)
    {
        if (_entries.Find(entry) is { } node)
        {
            Drop(node);
        }
    }

    public void Clear()
    {
        while (_entries.First is { } node)
        {
            Drop(node);
        }
    }

    public void Dispose() => Clear();

    // The least recently used entry that is no conversation's, else the least recently used one.
    private LinkedListNode<PromptCacheEntry> Victim()
    {
        for (var node = _entries.Last; node is not null; node = node.Previous)
        {
            if (!node.Value.Conversation)
            {
                return node;
            }
        }

        return _entries.Last!;
    }

    private void Drop(LinkedListNode<PromptCacheEntry> node)
    {
        _entries.Remove(node);
        Bytes -= node.Value.Bytes;
        node.Value.State.Dispose();
    }
}
