using System.Text;
using LLama.Native;

namespace Verge.Orleans.Grains.Inference;

/// <summary>
/// The tokens the model generated for its recent answers, by their exact text. A client sends an answer
/// back as the assistant message of its next turn, and tokenizing that text seldom gives the tokens the
/// model generated (a model need not write the tokenizer's canonical split), so the next prompt would
/// leave the slot's KV where the answer begins. Taking the generated tokens back keeps the whole answer's
/// KV reusable. Only byte-exact text maps to its tokens, and never through a control token, so a text
/// means what it says whichever way it is tokenized. The least recently used answer goes first.
/// </summary>
internal sealed class AnswerTokens(SafeLlamaModelHandle model, int capacity)
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Dictionary<string, LinkedListNode<(string Text, LLamaToken[] Tokens)>> _byText = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Text, LLamaToken[] Tokens)> _recency = new();
    private readonly Lock _lock = new();

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

    /// <summary>Keeps <paramref name="tokens"/> as the tokenization of the text they spell.</summary>
    public void Remember(IReadOnlyList<LLamaToken> tokens)
    {
        if (tokens.Count == 0 || Spell(tokens) is not { } text)
        {
            return;
        }

        lock (_lock)
        {
            if (_byText.Remove(text, out var known))
            {
                _recency.Remove(known);
            }
            else if (_byText.Count >= capacity)
            {
                _byText.Remove(_recency.Last!.Value.Text);
                _recency.RemoveLast();
            }

            _byText[text] = _recency.AddFirst((text, [.. tokens]));
        }
    }

    /// <summary>The generated tokens of an answer that was exactly <paramref name="text"/>.</summary>
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

    // The text the tokens spell byte for byte, or null when one is a control token or the bytes are not whole UTF-8.
    private string? Spell(IReadOnlyList<LLamaToken> tokens)
    {
        var bytes = new List<byte>(tokens.Count * 4);
        Span<byte> piece = stackalloc byte[256];
        foreach (var token in tokens)
        {
            if (token.IsControl(model))
            {
                return null;
            }

            var length = (int)model.TokenToSpan(token, piece);
            if (length > piece.Length)
            {
                return null;
            }

            bytes.AddRange(piece[..length]);
        }

        try
        {
            return Strict.GetString([.. bytes]);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
