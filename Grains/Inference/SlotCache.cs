using LLama.Native;

namespace Verge.Orleans.Grains.Inference;

/// <summary>
/// What each free slot's KV still holds after its last sequence, and which free slot a new sequence
/// takes: the one sharing the longest prompt prefix, else the one released longest ago.
/// </summary>
internal sealed class SlotCache(int slots)
{
    private readonly List<LLamaToken>[] _cached = [.. Enumerable.Range(0, slots).Select(_ => new List<LLamaToken>())];
    private readonly long[] _releasedAt = new long[slots]; // when its last sequence ended, in completed requests

    /// <summary>
    /// The free slot whose cached tokens share the longest prefix with <paramref name="prompt"/> (a
    /// system prompt, an earlier turn of the conversation) when that prefix is at least half the prompt,
    /// else the free slot released longest ago (so other slots keep their conversations); and how many
    /// cached tokens to keep. At least the prompt's last token is decoded again: its logits start the answer.
    /// </summary>
    public (int Slot, int Reuse) Pick(Sequence?[] busy, LLamaToken[] prompt)
    {
        var (best, common) = (-1, 0);
        for (var slot = 0; slot < busy.Length; slot++)
        {
            var shared = busy[slot] is null ? CommonPrefix(_cached[slot], prompt) : 0;
            if (shared > common)
            {
                (best, common) = (slot, shared);
            }
        }

        return best >= 0 && common * 2 >= prompt.Length ? (best, Math.Min(common, prompt.Length - 1)) : (Oldest(busy), 0);
    }

    /// <summary>The free slot released longest ago.</summary>
    public int Oldest(Sequence?[] busy)
    {
        var oldest = -1;
        for (var slot = 0; slot < busy.Length; slot++)
        {
            if (busy[slot] is null && (oldest < 0 || _releasedAt[slot] < _releasedAt[oldest]))
            {
                oldest = slot;
            }
        }

        return oldest;
    }

    /// <summary>A sequence takes the slot: its cache is no longer the slot's to offer.</summary>
    public void Take(int slot) => _cached[slot] = [];

    public void Release(int slot, List<LLamaToken> decoded, long stamp)
    {
        _cached[slot] = decoded;
        _releasedAt[slot] = stamp;
    }

    public void Clear() => Array.ForEach(_cached, cached => cached.Clear());

    private static int CommonPrefix(List<LLamaToken> cached, LLamaToken[] prompt)
    {
        var length = Math.Min(cached.Count, prompt.Length);
        var common = 0;
        while (common < length && cached[common] == prompt[common])
        {
            common++;
        }

        return common;
    }
}
