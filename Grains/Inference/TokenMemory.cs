using LLama.Native;

namespace Verge.Orleans.Grains.Inference;

/// <summary>
/// Texts and their tokens, the least recently used out, bounded by what they weigh: each entry its text's
/// characters, two per token and <see cref="EntryWeight"/> for the entry itself (an entry heavier than a
/// sixteenth of the bound is not kept). Safe for concurrent use.
/// </summary>
internal sealed class TokenMemory(int characters)
{
    /// <summary>An entry's own cost in characters (list node, dictionary slot, string and array headers).</summary>
    public const int EntryWeight = 64;

    private readonly Dictionary<string, LinkedListNode<(string Text, LLamaToken[] Tokens)>> _byText = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Text, LLamaToken[] Tokens)> _recency = new();
    private readonly Lock _lock = new();
    private long _kept;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byText.Count;
            }
        }
    }

    /// <summary>The tokens kept for exactly <paramref name="text"/>, or null.</summary>
    public LLamaToken[]? Find(string text)
    {
        lock (_lock)
        {
            if (!_byText.TryGetValue(text, out var node))
            {
                return null;
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            return node.Value.Tokens;
        }
    }

    /// <summary>The tokens kept for <paramref name="text"/>, or those <paramref name="tokenize"/> gives (then kept).</summary>
    public LLamaToken[] GetOrAdd(string text, Func<string, LLamaToken[]> tokenize)
    {
        if (Find(text) is { } known)
        {
            return known;
        }

        var tokens = tokenize(text);
        Remember(text, tokens);
        return tokens;
    }

    public void Remember(string text, LLamaToken[] tokens)
    {
        var weight = Weight(text, tokens);
        if (weight > characters / 16)
        {
            return;
        }

        lock (_lock)
        {
            if (_byText.Remove(text, out var known))
            {
                _recency.Remove(known);
                _kept -= Weight(known.Value.Text, known.Value.Tokens);
            }

            while (_kept + weight > characters)
            {
                var (oldest, oldestTokens) = _recency.Last!.Value;
                _byText.Remove(oldest);
                _recency.RemoveLast();
                _kept -= Weight(oldest, oldestTokens);
            }

            _byText[text] = _recency.AddFirst((text, tokens));
            _kept += weight;
        }
    }

    private static long Weight(string text, LLamaToken[] tokens) => text.Length + 2L * tokens.Length + EntryWeight;
}
