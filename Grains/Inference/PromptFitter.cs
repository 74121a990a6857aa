using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Grains.Inference;

/// <summary>
/// Renders a request for one sequence's context. Replayed session turns give way, oldest whole turn
/// first, until the answer has room: its <c>max_tokens</c> or a quarter of the context, whichever is less.
/// The request's own messages are never dropped (too long a request still fails with 400). A raw prompt
/// is tokenized as it is, with nothing to drop.
/// </summary>
internal static class PromptFitter
{
    public static RenderedPrompt Fit(LoadedModel model, GenerationRequest request, int contextSize, bool insertThinkTag)
    {
        if (request.Raw is { } raw)
        {
            var tokens = RawPromptTokenizer.Tokenize(model, raw);
            return tokens.Tokens.Length + 1 > contextSize
                ? throw ServingException.ContextLengthExceeded(tokens.Tokens.Length, contextSize, "prompt")
                : tokens;
        }

        var messages = request.Messages;
        var options = new PromptOptions
        {
            Tools = request.Tools,
            DisableThink = request.DisableThink,
            InsertThinkTag = insertThinkTag,
            TemplateArguments = request.TemplateArguments,
            User = request.User ?? "",
        };
        var start = messages.TakeWhile(m => m.Role == "system").Count();
        var count = Math.Min(request.HistoryMessages, messages.Count - start);
        var turnStarts = TurnStarts(messages, start, count);
        var room = Math.Max(1, Math.Min(request.MaxTokens ?? int.MaxValue, contextSize / 4));

        RenderedPrompt Render(int dropped) =>
            model.Render([.. messages.Take(start), .. messages.Skip(start + turnStarts[dropped])], options);

        bool Fits(RenderedPrompt prompt) => prompt.Tokens.Length + room <= contextSize;

        var full = Render(0);
        if (turnStarts.Count == 1 || Fits(full))
        {
            return full;
        }

        // Fewest turns to drop: renders O(log turns) times instead of once per turn.
        var (low, high) = (1, turnStarts.Count - 1);
        RenderedPrompt? fitting = null;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            var candidate = Render(middle);
            if (Fits(candidate))
            {
                (fitting, high) = (candidate, middle - 1);
            }
            else
            {
                low = middle + 1;
            }
        }

        return fitting ?? Render(turnStarts.Count - 1);
    }

    /// <summary>Offsets (from the history's start) where each turn begins, then the history's length.</summary>
    private static List<int> TurnStarts(IReadOnlyList<ChatMessage> messages, int start, int count)
    {
        var starts = new List<int> { 0 };
        for (var i = 1; i < count; i++)
        {
            if (messages[start + i].Role == "user" && messages[start + i - 1].Role == "assistant")
            {
                starts.Add(i);
            }
        }

        if (count > 0)
        {
            starts.Add(count);
        }

        return starts;
    }
}
