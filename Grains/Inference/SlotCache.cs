using LLama.Native;

namespace Verge.Orleans.Grains.Inference;

/// <summary>
/// What each free slot's KV still holds after its last sequence, and which free slot a new sequence
/// takes: the one sharing the longest prompt prefix, else the one released longest ago.
/// </summary>
internal sealed class SlotCache(int slots)
{
    /// <summary>The shortest shared prefix worth keeping; shorter ones are evaluated again.</summary>
    public const int MinReuse = 16;

    private readonly List<LLamaToken>[] _cached = [.. Enumerable.Range(0, slots).Select(_ => new List<LLamaToken>())];
    private readonly bool[] _conversation = new bool[slots];
    private readonly long[] _releasedAt = new long[slots]; // when its last sequence ended, in completed requests

    /// <summary>
    /// The free slot whose cached tokens share the longest prefix with <paramref name="prompt"/> (a
    /// system prompt, an earlier turn of the conversation), and that prefix's length, when it is at least
    /// <see cref="MinReuse"/> tokens; else the free slot released longest ago (so other slots keep their
    /// conversations) and 0. The length is not capped: see <see cref="Usable"/>.
    /// </summary>
    public (int Slot, int Common) Pick(Sequence?[] busy, LLamaToken[] prompt)
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

        return best >= 0 && common >= MinReuse ? (best, common) : (Oldest(busy), 0);
    }

    /// <summary>
    /// How many of <paramref name="common"/> shared tokens a prompt reuses: none below <see cref="MinReuse"/>,
    /// and never its last token, whose logits start the answer.
    /// </summary>
    public static int Usable(int common, int promptLength) => common < MinReuse ? 0 : Math.Min(common, promptLength - 1);

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

    /// <summary>Whether <paramref name="slot"/> was released before <paramref name="other"/>.</summary>
    public bool ReleasedBefore(int slot, int other) => _releasedAt[slot] < _releasedAt[other];

    /// <summary>The tokens whose KV the free slot holds, in position order.</summary>
    public IReadOnlyList<LLamaToken> Held(int slot) => _cached[slot];

    /// <summary>Whether the slot's last sequence belonged to a conversation (a session or response chain).</summary>
    public bool HeldForConversation(int slot) => _conversation[slot];

    /// <summary>A sequence takes the slot: its cache is no longer the slot's to offer.</summary>
    public void Take(int slot) => _cached[slot] = [];

    public void Release(int slot, List<LLamaToken> decoded, long stamp, bool conversation)
    {
        _cached[slot] = decoded;
        _conversation[slot] = conversation;
        _releasedAt[slot] = stamp;
    }

    public void Clear() => Array.ForEach(_cached, cached => cached.Clear());

    public static int CommonPrefix(IReadOnlyList<LLamaToken> cached, IReadOnlyList<LLamaToken> prompt)
    {
        var length = Math.Min(cached.Count, prompt.Count);
        var common = 0;
        while (common < length && cached[common] == prompt[common])
        {
            common++;
        }

        return common;
    }
}
