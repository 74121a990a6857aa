namespace Verge.Orleans.Grains.ChatTemplates;

/// <summary>
/// Text a user wrote (message content, reasoning sent back) stands in the rendered template as a
/// placeholder; after rendering, the template's own text is tokenized with control tokens allowed and the
/// user's text without them, so a user typing <c>&lt;|im_end|&gt;</c> cannot inject a control token.
/// </summary>
internal sealed class PromptText
{
    public const char Sentinel = '\u0001';

    private readonly List<(string Text, bool ByModel)> _texts = [];

    /// <summary>
    /// The placeholder for <paramref name="text"/> (empty text stays empty, so templates see it as falsy);
    /// <paramref name="byModel"/> marks what the model wrote in an earlier turn (an assistant message).
    /// </summary>
    public string Add(string text, bool byModel = false)
    {
        if (text.Length == 0)
        {
            return "";
        }

        _texts.Add((text, byModel));
        return $"{Sentinel}{_texts.Count - 1}{Sentinel}";
    }

    /// <summary>Splits a rendered prompt into (text, is the user's, was written by the model) pieces, in order.</summary>
    public IEnumerable<(string Text, bool FromUser, bool ByModel)> Pieces(string rendered)
    {
        var parts = rendered.Split(Sentinel);
        for (var i = 0; i < parts.Length; i++)
        {
            // Odd parts are placeholders; anything a template did to one that breaks it stays template text.
            if (i % 2 == 1 && int.TryParse(parts[i], out var index) && index < _texts.Count)
            {
                yield return (_texts[index].Text, true, _texts[index].ByModel);
            }
            else if (parts[i].Length > 0)
            {
                yield return (parts[i], false, false);
            }
        }
    }
}
